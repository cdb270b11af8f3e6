package dev.roomkeeper.presence.control;

import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.presence.entity.PresenceSnapshot;
import dev.roomkeeper.rooms.control.Occupancy;

import java.util.List;
import java.util.Optional;

/**
 * Who is present where, shared the way the engine shares the event stream: in-process, or in Redis for
 * several nodes. Every operation is atomic per room together with the room event it publishes, so two
 * nodes acting on the same user can never emit two joins or two leaves in a row, and events reach the
 * stream in the order the changes happened. Implementations: {@code MemoryPresenceStore},
 * {@code RedisPresenceStore}; one contract test suite runs against both.
 *
 * <p>Times are epoch milliseconds from the store's clock. A heartbeat never publishes an event unless it
 * revives a reconnecting session, and never touches the database.
 *
 * <p><b>Occupancy.</b> A room is occupied while at least one user has a session in it (a reconnecting
 * session counts). In the same atomic step as the change, the store publishes {@code room.occupied}
 * ({@code {"at":ms}}) right after the {@code presence.join} of the first user present, and
 * {@code room.vacated} ({@code {"at":ms,"reason":R}}, R the leave's reason) right after the
 * {@code presence.leave} of the last one, whatever ended it (left, expired, kicked, closed); the change
 * carries it as {@link PresenceChange#occupancy()}. So occupied and vacated strictly alternate on a room's
 * stream, and always agree with whether its presence is empty.
 */
public interface PresenceStore extends Occupancy {

    /**
     * Starts or refreshes a session. New session: {@code USER_JOINED} when it is the user's first in the
     * room, else {@code SESSION_ADDED}. Existing session: {@code RESUMED} if it was reconnecting (metadata
     * replaced), else {@code META_UPDATED} if the metadata differs, else no change (empty). In every case
     * the deadline becomes {@code deadline}.
     *
     * @param meta sanitised metadata, a JSON object as text
     */
    Optional<PresenceChange> join(String room, String userId, String sessionId, String meta, long deadline);

    /**
     * Extends a live session's deadline. A reconnecting session comes back online ({@code RESUMED}).
     *
     * @return empty with {@code false} when the session is unknown (it expired or never joined): see
     * {@link Heartbeat}
     */
    Heartbeat heartbeat(String room, String userId, String sessionId, long deadline);

    /** Replaces a live session's metadata: {@code META_UPDATED}, or empty when unchanged or unknown. */
    Optional<PresenceChange> update(String room, String userId, String sessionId, String meta);

    /**
     * Marks a session reconnecting (its socket dropped without a clean close) until {@code graceDeadline}:
     * {@code RECONNECTING}; empty when unknown or already reconnecting.
     */
    Optional<PresenceChange> reconnecting(String room, String userId, String sessionId, long graceDeadline);

    /** Ends a session: {@code SESSION_REMOVED}, or {@code USER_LEFT} for the user's last; empty when unknown. */
    Optional<PresenceChange> leave(String room, String userId, String sessionId, LeaveReason reason);

    /** Ends every session of a user in a room (kicked): ends with {@code USER_LEFT}. */
    List<PresenceChange> leaveUser(String room, String userId, LeaveReason reason);

    /** Ends every session in a room (closed). */
    List<PresenceChange> clearRoom(String room, LeaveReason reason);

    /**
     * Ends up to {@code max} sessions, in any rooms, whose deadline is before {@code now}, with reason
     * EXPIRED. Safe when several nodes call it at once: each session ends exactly once.
     */
    List<PresenceChange> expire(long now, int max);

    /** The room's presence with the stream seq it is valid at. */
    PresenceSnapshot snapshot(String room);

    /** Presence answers the room lifecycle's {@link Occupancy}: users present, from the same store. */
    @Override
    int usersPresent(String room);

    /**
     * Forgets what is left of a room's presence after {@link #clearRoom}: who was last seen when. For closed
     * rooms. Sessions still present (none, after a clear) are left alone.
     */
    void release(String room);

    /** The rooms where the user has at least one live session. */
    List<String> roomsOf(String userId);

    /** Live sessions across all rooms (for metrics). */
    long sessionCount();

    /**
     * The outcome of a heartbeat.
     *
     * @param known  false when the session does not exist (expired, left, never joined)
     * @param change RESUMED when the heartbeat revived a reconnecting session
     */
    record Heartbeat(boolean known, Optional<PresenceChange> change) {
    }
}
