package dev.roomkeeper.stream.control;

/**
 * An engine (Redis) could not carry out a command. Says which of two things the caller may tell its client:
 * the command was certainly not applied (it never left this node: no connection, or the engine is known to be
 * down), or its outcome is unknown (it was sent, then no answer came within the bounded wait, so it may have
 * been applied, now or when the engine wakes up). Engines throw it from every store; {@link RoomEvents} maps it
 * to the answers clients see.
 */
public class EngineException extends RuntimeException {

    private final boolean outcomeUnknown;

    private EngineException(String message, Throwable cause, boolean outcomeUnknown) {
        super(message, cause);
        this.outcomeUnknown = outcomeUnknown;
    }

    /** The command was not sent (or was refused before it ran): nothing changed. */
    public static EngineException notApplied(String message, Throwable cause) {
        return new EngineException(message, cause, false);
    }

    /** The command was sent and no answer came: it may have been applied. */
    public static EngineException outcomeUnknown(String message, Throwable cause) {
        return new EngineException(message, cause, true);
    }

    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
