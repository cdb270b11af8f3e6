package dev.roomkeeper.watch.entity;

import java.time.Instant;

/**
 * A user's credited watch time in one room.
 *
 * @param roomId    the room
 * @param seconds   whole seconds credited (all runs)
 * @param updatedAt when the credit was last written
 */
public record RoomCreditResponse(String roomId, long seconds, Instant updatedAt) {
}
