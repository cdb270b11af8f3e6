package dev.roomkeeper.platform.boundary;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Locale;

/**
 * The runtime's own failures (unknown path, wrong method, unsupported media type, unreadable body)
 * as problem+json with their original status.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String type = title.toLowerCase(Locale.ROOT).replace(' ', '-');
        String detail = switch (status) {
            case 400 -> "The request could not be read. Check that the body is valid JSON of the documented shape.";
            case 404 -> "There is nothing at this path.";
            case 405 -> "This path does not accept that method.";
            case 406 -> "This path cannot answer in the requested media type.";
            case 415 -> "This path does not accept that content type; send application/json.";
            default -> title;
        };
        Response problem = Problems.response(status, type, title, detail, uriInfo, null);
        if (e.getResponse() != null && e.getResponse().getHeaderString("Allow") != null) {
            return Response.fromResponse(problem).header("Allow", e.getResponse().getHeaderString("Allow")).build();
        }
        return problem;
    }
}
