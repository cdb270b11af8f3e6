package dev.roomkeeper.platform.control;

import dev.roomkeeper.platform.entity.Problem;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.List;

/**
 * A failure the caller can act on: it becomes a problem+json response with the given status.
 * Thrown by control beans; the message is meant for people and never carries internals.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final int retryAfterSeconds;
    private final JsonObject extensions;

    public ProblemException(int status, String type, String title, String detail) {
        this(status, type, title, detail, List.of());
    }

    public ProblemException(int status, String type, String title, String detail, List<Problem.FieldError> errors) {
        this(status, type, title, detail, errors, 0);
    }

    /**
     * @param retryAfterSeconds when positive, the response says so in a {@code Retry-After} header: the failure
     *                          is temporary (503), and that is when trying again makes sense
     */
    protected ProblemException(int status, String type, String title, String detail, List<Problem.FieldError> errors,
                               int retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.retryAfterSeconds = Math.max(0, retryAfterSeconds);
        this.extensions = JsonValue.EMPTY_JSON_OBJECT;
    }

    /**
     * A problem with extension members (RFC 9457 section 3.2): what the caller needs to act on it, such as the
     * current version and value of a key a compare-and-set missed. They are sent beside the standard members of
     * the problem+json body, and beside {@code code} and {@code message} of a WebSocket error frame; a member
     * named as a standard one is left out.
     */
    protected ProblemException(int status, String type, String title, String detail, JsonObject extensions) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = List.of();
        this.retryAfterSeconds = 0;
        this.extensions = extensions == null ? JsonValue.EMPTY_JSON_OBJECT : extensions;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "bad-request", "Bad request", detail);
    }

    public static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(400, "validation", "Invalid request", "The request has invalid fields.", errors);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "unauthorized", "Authentication required", detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail);
    }

    /** A temporary failure (503) worth retrying after {@code retryAfterSeconds}, said in a {@code Retry-After} header. */
    public static ProblemException unavailable(String type, String title, String detail, int retryAfterSeconds) {
        return new ProblemException(503, type, title, detail, List.of(), retryAfterSeconds);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", "Conflict", detail);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    /** Extension members of the problem; empty for most. */
    public JsonObject extensions() {
        return extensions;
    }

    /** Seconds after which the caller may try again ({@code Retry-After}); 0 when the response names none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
