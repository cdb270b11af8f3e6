package dev.roomkeeper.presence.entity;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one presence change means for attendance: a session started ({@code leftAt} null), or a session
 * ended. A session is known by {@link Key}: room, session id and the time it started, which the presence
 * store keeps unchanged from the start of a session to its end.
 *
 * @param roomId    the room id
 * @param userId    whose session
 * @param sessionId the session id the client chose
 * @param joinedAt  when the session started
 * @param leftAt    when it ended; null for a start
 * @param reason    why it ended; null for a start
 */
public record AttendanceChange(String roomId, String userId, String sessionId, Instant joinedAt, Instant leftAt,
                               LeaveReason reason) {

    public AttendanceChange {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(joinedAt, "joinedAt");
        if (leftAt == null) {
            reason = null;
        } else if (leftAt.isBefore(joinedAt)) {
            // the event time and the join time may come from different clocks
            leftAt = joinedAt;
        }
    }

    /**
     * The attendance side of a presence change: a start for {@link ChangeKind#sessionStarted()}, an end
     * (at the room event's time, or {@code nowMillis} without one) for {@link ChangeKind#sessionEnded()},
     * nothing for other kinds.
     */
    public static Optional<AttendanceChange> of(PresenceChange change, long nowMillis) {
        if (change == null || change.kind() == null || change.session() == null) {
            return Optional.empty();
        }
        PresenceSession session = change.session();
        Instant joined = Instant.ofEpochMilli(session.joinedAt());
        String userId = change.userId() == null ? session.userId() : change.userId();
        if (change.kind().sessionStarted()) {
            return Optional.of(new AttendanceChange(change.room(), userId, session.sessionId(), joined, null, null));
        }
        if (change.kind().sessionEnded()) {
            long at = change.event() == null ? nowMillis : change.event().time();
            return Optional.of(new AttendanceChange(change.room(), userId, session.sessionId(), joined,
                    Instant.ofEpochMilli(at), change.reason()));
        }
        return Optional.empty();
    }

    public boolean ended() {
        return leftAt != null;
    }

    public Key key() {
        return new Key(roomId, sessionId, joinedAt);
    }

    /** This start, ended at {@code end}'s time for {@code end}'s reason. */
    public AttendanceChange endedBy(AttendanceChange end) {
        return new AttendanceChange(roomId, userId, sessionId, joinedAt, end.leftAt(), end.reason());
    }

    /** False when an id is longer than its column, so the row could not be written. */
    public boolean fitsColumns() {
        return roomId.length() <= AttendanceRecord.MAX_ROOM_ID_LENGTH
                && userId.length() <= AttendanceRecord.MAX_USER_ID_LENGTH
                && sessionId.length() <= AttendanceRecord.MAX_SESSION_ID_LENGTH;
    }

    public AttendanceRecord toRecord() {
        return new AttendanceRecord(roomId, userId, sessionId, joinedAt, leftAt, reason);
    }

    /** One session instance: a tab that leaves and joins again keeps its session id but not its join time. */
    public record Key(String roomId, String sessionId, Instant joinedAt) {
    }
}
