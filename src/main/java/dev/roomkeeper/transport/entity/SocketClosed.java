package dev.roomkeeper.transport.entity;

/**
 * A WebSocket closed: a synchronous CDI event, so features that keep state per socket (presence's sessions)
 * follow without the socket core knowing them.
 *
 * @param connectionId the socket's id
 * @param userId       its authenticated user, or null if it never authenticated
 * @param clean        true only when the client closed it with 1000 or 1001; a dropped connection, a server-side
 *                     close or a shutdown are not clean
 */
public record SocketClosed(String connectionId, String userId, boolean clean) {
}
