package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.control.DatabaseFailure;
import dev.roomkeeper.platform.control.DatabaseUnavailableException;
import dev.roomkeeper.platform.entity.Problem;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Builds problem+json responses; the one place that knows their shape. */
final class Problems {

    static final String TYPE_PREFIX = "urn:roomkeeper:problem:";

    private Problems() {
    }

    static Response response(int status, String type, String title, String detail, UriInfo uri,
                             List<Problem.FieldError> errors) {
        return response(status, type, title, detail, uri, errors, 0);
    }

    /** As above; a positive {@code retryAfterSeconds} becomes a {@code Retry-After} header (RFC 9110). */
    static Response response(int status, String type, String title, String detail, UriInfo uri,
                             List<Problem.FieldError> errors, int retryAfterSeconds) {
        String instance = uri == null ? null : instance(uri.getPath());
        Problem problem = new Problem(TYPE_PREFIX + type, title, status, detail, instance,
                errors == null || errors.isEmpty() ? null : errors);
        Response.ResponseBuilder builder = Response.status(status).type(Problem.MEDIA_TYPE).entity(problem);
        if (status == 401) {
            builder.header("WWW-Authenticate", "Bearer realm=\"roomkeeper\"");
        }
        if (retryAfterSeconds > 0) {
            builder.header("Retry-After", String.valueOf(retryAfterSeconds));
        }
        return builder.build();
    }

    /**
     * The problem response with extension members beside the standard ones (RFC 9457 section 3.2); a member
     * named as a standard one is left out.
     */
    static Response withExtensions(Response response, JsonObject extensions) {
        Problem problem = (Problem) response.getEntity();
        JsonObjectBuilder body = Json.createObjectBuilder().add("type", problem.type()).add("title", problem.title())
                .add("status", problem.status()).add("detail", problem.detail());
        if (problem.instance() != null) {
            body.add("instance", problem.instance());
        }
        if (problem.errors() != null) {
            JsonArrayBuilder errors = Json.createArrayBuilder();
            problem.errors().forEach(f -> errors.add(Json.createObjectBuilder().add("field", f.field()).add("message", f.message())));
            body.add("errors", errors);
        }
        extensions.forEach((name, value) -> {
            if (!STANDARD.contains(name)) {
                body.add(name, value);
            }
        });
        Response.ResponseBuilder builder = Response.fromResponse(response).entity(body.build().toString());
        return builder.type(Problem.MEDIA_TYPE).build();
    }

    private static final java.util.Set<String> STANDARD = java.util.Set.of("type", "title", "status", "detail",
            "instance", "errors");

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

    /**
     * The 503 {@code database-unavailable} with {@code Retry-After} when {@code failure} is the database being
     * unreachable or too slow ({@link DatabaseFailure}), logged as one line without a stack trace; empty for any
     * other failure.
     */
    static Optional<Response> databaseUnavailable(Throwable failure, UriInfo uri, Logger log) {
        return DatabaseFailure.of(failure).map(kind -> {
            DatabaseUnavailableException problem = failure instanceof DatabaseUnavailableException known ? known
                    : new DatabaseUnavailableException(kind, DatabaseUnavailableException.DEFAULT_RETRY_AFTER_SECONDS);
            log.log(Level.WARNING, () -> "database " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " on "
                    + (uri == null ? "?" : instance(uri.getPath())) + ": " + DatabaseFailure.describe(failure) + "; answered 503");
            log.log(Level.FINE, "the failure", failure);
            return response(problem.status(), problem.type(), problem.title(), problem.getMessage(), uri, null,
                    problem.retryAfterSeconds());
        });
    }

    /** The path below {@code /api}, with one leading slash: Jersey reports it without one, RESTEasy with. */
    static String instance(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }
}
