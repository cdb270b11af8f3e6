package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.control.ProblemException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

@Provider
public class ProblemExceptionMapper implements ExceptionMapper<ProblemException> {

    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(ProblemException e) {
        Response response = Problems.response(e.status(), e.type(), e.title(), e.getMessage(), uriInfo, e.errors(),
                e.retryAfterSeconds());
        return e.extensions().isEmpty() ? response : Problems.withExtensions(response, e.extensions());
    }
}
