package dev.roomkeeper.rooms.entity;

import java.time.Instant;

/**
 * A committed change to a room or its members, fired as a CDI event by the rooms control beans.
 * Observe it with {@code @Observes(during = TransactionPhase.AFTER_SUCCESS)} to act only once the
 * change is in the database.
 */
public sealed interface RoomChange {

    String roomId();

    record Created(String roomId, String slug) implements RoomChange {
    }

    record Closed(String roomId, String slug, String reason, Instant closedAt) implements RoomChange {
    }

    record MemberAdded(String roomId, String userId, Role role) implements RoomChange {
    }

    record MemberRoleChanged(String roomId, String userId, Role role) implements RoomChange {
    }

    record MemberRemoved(String roomId, String userId, Role role) implements RoomChange {
    }
}
