package dev.roomkeeper.platform.control;

import java.util.List;
import java.util.Objects;

/**
 * The database cannot be used right now: the retryable 503 {@code database-unavailable}, with a
 * {@code Retry-After} in seconds. REST answers it as problem+json, the WebSocket as an error frame with that
 * code; never a 500. Carries no cause and no stack trace (it is thrown often while the database is down, and
 * what went wrong is logged where it is detected).
 */
public class DatabaseUnavailableException extends ProblemException {

    /** The problem type, the WebSocket error code. */
    public static final String TYPE = "database-unavailable";
    /** When no better guess is known (the back-off of {@link DatabaseAvailability} is, usually). */
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 2;

    private final DatabaseFailure failure;

    public DatabaseUnavailableException(DatabaseFailure failure, int retryAfterSeconds) {
        super(503, TYPE, "Database unavailable", detail(failure), List.of(),
                retryAfterSeconds > 0 ? retryAfterSeconds : DEFAULT_RETRY_AFTER_SECONDS);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** Unreachable, or timed out. */
    public DatabaseFailure failure() {
        return failure;
    }

    private static String detail(DatabaseFailure failure) {
        return failure == DatabaseFailure.TIMED_OUT
                ? "The database did not answer in time; try again shortly."
                : "The database is unavailable right now; try again shortly.";
    }
}
