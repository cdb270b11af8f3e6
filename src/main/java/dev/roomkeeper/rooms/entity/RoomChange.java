package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.auth.entity.Role;

import jakarta.interceptor.Interceptor;

import java.time.Instant;

/**
 * A committed change to a room or its members, fired as a CDI event by the rooms control beans.
 * Observe it with {@code @Observes(during = TransactionPhase.AFTER_SUCCESS)} to act only once the
 * change is in the database.
 * <p>
 * Observers run in {@code @Priority} order. For a closed room that order is the lifecycle every feature
 * relies on:
 * <ol>
 *     <li>{@link #FORGET} — caches drop the room (access decisions see it closed);</li>
 *     <li>{@link #ANNOUNCE} — {@code room.closed} is published on the room's stream, ending subscriptions;</li>
 *     <li>{@link #CLEAN_UP} — features end and drop their per-room state, publishing what they must
 *     (presence ends every session with reason {@code closed}, then {@code room.vacated}). <b>A feature that
 *     keeps ephemeral state per room (room state, playback, caches) observes {@code Closed} here</b>, at
 *     {@code CLEAN_UP} or above and below {@code RELEASE};</li>
 *     <li>{@link #RELEASE} — the room's stream (counter, epoch, history) and this node's pending activity
 *     are released: nothing may be published to the room after it.</li>
 * </ol>
 */
public sealed interface RoomChange {

    /** Caches drop what they hold about the room. */
    int FORGET = Interceptor.Priority.APPLICATION;
    /** The change is announced on the room's stream. */
    int ANNOUNCE = Interceptor.Priority.APPLICATION + 100;
    /** Features follow the change with their own state (presence, room state, playback, ...). */
    int CLEAN_UP = Interceptor.Priority.APPLICATION + 200;
    /** A closed room's stream and pending activity are released; nothing is published to it afterwards. */
    int RELEASE = Interceptor.Priority.APPLICATION + 1000;

    String roomId();

    record Created(String roomId, String slug) implements RoomChange {
    }

    /**
     * @param closedBy an admin's user id, or {@link Room#CLOSED_BY_IDLE_SWEEP}
     */
    record Closed(String roomId, String slug, String reason, String closedBy, Instant closedAt) implements RoomChange {
    }

    record MemberAdded(String roomId, String userId, Role role) implements RoomChange {
    }

    record MemberRoleChanged(String roomId, String userId, Role role) implements RoomChange {
    }

    record MemberRemoved(String roomId, String userId, Role role) implements RoomChange {
    }
}
