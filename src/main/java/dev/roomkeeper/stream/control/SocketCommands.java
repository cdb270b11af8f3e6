package dev.roomkeeper.stream.control;

import jakarta.json.JsonObject;

import java.util.Set;

/**
 * How a feature adds WebSocket commands without the transport knowing its rules: a CDI bean
 * implementing this is handed every frame whose {@code type} it claims, and hears when sockets close.
 * (Presence is the first; room state and playback add theirs the same way.)
 */
public interface SocketCommands {

    /** The frame types this feature handles, such as {@code presence.join}. */
    Set<String> types();

    /**
     * Handles one frame from an authenticated socket. Reply with {@link SocketProtocol#ack} or
     * {@link SocketProtocol#error}; throw {@link Frames.FrameException} for a malformed field and
     * {@code ProblemException} for a refusal (both become error frames).
     */
    void handle(SocketConnection connection, String type, JsonObject frame, String id);

    /**
     * A socket closed. {@code clean} is true only when the client closed it with 1000 or 1001; a
     * dropped connection, a server-side close or a shutdown are not clean.
     */
    default void closed(SocketConnection connection, boolean clean) {
    }
}
