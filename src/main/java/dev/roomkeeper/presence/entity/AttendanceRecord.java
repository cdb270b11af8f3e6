package dev.roomkeeper.presence.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One presence session in a room, for audit: open (no {@code leftAt}) while the session lasts, closed
 * with the time and reason it ended. A session is identified by room, session id and {@code joinedAt}:
 * a tab that leaves and joins again keeps its session id but starts a new record.
 */
@Entity
@Table(name = "attendance")
public class AttendanceRecord {

    public static final int MAX_ROOM_ID_LENGTH = 36;
    public static final int MAX_USER_ID_LENGTH = 128;
    public static final int MAX_SESSION_ID_LENGTH = 64;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id", nullable = false, updatable = false)
    private Long id;

    @Column(name = "room_id", length = MAX_ROOM_ID_LENGTH, nullable = false, updatable = false)
    private String roomId;

    @Column(name = "user_id", length = MAX_USER_ID_LENGTH, nullable = false, updatable = false)
    private String userId;

    @Column(name = "session_id", length = MAX_SESSION_ID_LENGTH, nullable = false, updatable = false)
    private String sessionId;

    @Column(name = "joined_at", nullable = false, updatable = false)
    private Instant joinedAt;

    @Column(name = "left_at")
    private Instant leftAt;

    @Convert(converter = LeaveReasonConverter.class)
    @Column(name = "leave_reason", length = 16)
    private LeaveReason leaveReason;

    protected AttendanceRecord() {
        // for JPA
    }

    /** A record of a session that started at {@code joinedAt}; open when {@code leftAt} is null. */
    public AttendanceRecord(String roomId, String userId, String sessionId, Instant joinedAt, Instant leftAt,
                            LeaveReason leaveReason) {
        this.roomId = Objects.requireNonNull(roomId, "roomId");
        this.userId = Objects.requireNonNull(userId, "userId");
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.joinedAt = Objects.requireNonNull(joinedAt, "joinedAt");
        this.leftAt = leftAt;
        this.leaveReason = leftAt == null ? null : leaveReason;
    }

    /** Closes the record. Returns false, changing nothing, when it was already closed. */
    public boolean close(Instant at, LeaveReason reason) {
        Objects.requireNonNull(at, "at");
        if (leftAt != null) {
            return false;
        }
        leftAt = at;
        leaveReason = reason;
        return true;
    }

    public boolean isOpen() {
        return leftAt == null;
    }

    /** Whole seconds from joining to leaving, or to {@code now} while open; never negative. */
    public long durationSeconds(Instant now) {
        Instant end = leftAt == null ? now : leftAt;
        return Math.max(0, Duration.between(joinedAt, end).getSeconds());
    }

    public AttendanceResponse toResponse(Instant now) {
        return new AttendanceResponse(roomId, userId, sessionId, joinedAt, leftAt,
                leaveReason == null ? null : leaveReason.wireName(), durationSeconds(now));
    }

    public Long getId() {
        return id;
    }

    public String getRoomId() {
        return roomId;
    }

    public String getUserId() {
        return userId;
    }

    public String getSessionId() {
        return sessionId;
    }

    public Instant getJoinedAt() {
        return joinedAt;
    }

    public Instant getLeftAt() {
        return leftAt;
    }

    public LeaveReason getLeaveReason() {
        return leaveReason;
    }
}
