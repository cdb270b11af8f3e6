package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.entity.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;

/** Builds problem+json responses; the one place that knows their shape. */
final class Problems {

    static final String TYPE_PREFIX = "urn:roomkeeper:problem:";

    private Problems() {
    }

    static Response response(int status, String type, String title, String detail, UriInfo uri,
                             List<Problem.FieldError> errors) {
        String instance = uri == null ? null : instance(uri.getPath());
        Problem problem = new Problem(TYPE_PREFIX + type, title, status, detail, instance,
                errors == null || errors.isEmpty() ? null : errors);
        Response.ResponseBuilder builder = Response.status(status).type(Problem.MEDIA_TYPE).entity(problem);
        if (status == 401) {
            builder.header("WWW-Authenticate", "Bearer realm=\"roomkeeper\"");
        }
        return builder.build();
    }

    /**
     * A body that could not be read: 400 {@code validation} naming the field when a value had the wrong
     * JSON type ({@link StrictJson}), else 400 {@code malformed-body}.
     */
    static Response unreadableBody(Throwable failure, UriInfo uri) {
        return StrictJson.mistyped(failure)
                .map(error -> response(400, "validation", "Invalid request", "The request has invalid fields.", uri,
                        List.of(error)))
                .orElseGet(() -> response(400, "malformed-body", "Malformed body",
                        "The body is not valid JSON of the documented shape.", uri, null));
    }

    /** The path below {@code /api}, with one leading slash: Jersey reports it without one, RESTEasy with. */
    static String instance(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }
}
