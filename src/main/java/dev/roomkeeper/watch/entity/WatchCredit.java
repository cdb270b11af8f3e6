package dev.roomkeeper.watch.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Objects;

/**
 * The watch time one user accrued in one room during one run of the room's live watch state (see
 * {@link WatchRecord#run()}), as the flush last wrote it. A user's credit in a room is the sum of its runs.
 */
@Entity
@Table(name = "watch_credit")
public class WatchCredit {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id", nullable = false, updatable = false)
    private Long id;

    @Column(name = "room_id", length = 36, nullable = false, updatable = false)
    private String roomId;

    @Column(name = "user_id", length = 128, nullable = false, updatable = false)
    private String userId;

    @Column(name = "run_id", length = 32, nullable = false, updatable = false)
    private String runId;

    @Column(name = "watched_ms", nullable = false)
    private long watchedMs;

    @Column(name = "started_at", nullable = false, updatable = false)
    private Instant startedAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected WatchCredit() {
        // for JPA
    }

    public WatchCredit(String roomId, String userId, String runId, long watchedMs, Instant startedAt, Instant updatedAt) {
        this.roomId = Objects.requireNonNull(roomId, "roomId");
        this.userId = Objects.requireNonNull(userId, "userId");
        this.runId = Objects.requireNonNull(runId, "runId");
        this.watchedMs = watchedMs;
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.updatedAt = Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Takes a later reading of the run: the watch time only grows, so an older or repeated one changes nothing. */
    public boolean raise(long newWatchedMs, Instant at) {
        if (newWatchedMs <= watchedMs) {
            return false;
        }
        watchedMs = newWatchedMs;
        updatedAt = at;
        return true;
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

    public String getRunId() {
        return runId;
    }

    public long getWatchedMs() {
        return watchedMs;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
