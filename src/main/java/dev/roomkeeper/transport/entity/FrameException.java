package dev.roomkeeper.transport.entity;

/** A client frame with a missing or mistyped field: answered with an {@code invalid-frame} error; the socket stays open. */
public final class FrameException extends RuntimeException {

    public FrameException(String message) {
        super(message, null, false, false);
    }
}
