package dev.roomkeeper.stream.entity;

/**
 * Something happened in a room on this node: an event was published through this node, or a presence session
 * was kept alive or refreshed without publishing. A synchronous CDI event; the room lifecycle observes it to
 * know the room is in use (a map update, written later in a batch), so its observers must never block.
 *
 * @param roomId the room's id
 * @param at     when, epoch ms
 */
public record RoomTouched(String roomId, long at) {
}
