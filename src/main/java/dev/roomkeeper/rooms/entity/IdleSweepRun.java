package dev.roomkeeper.rooms.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One run of the idle-room sweep on one node, for operators: recorded when it starts, completed when it
 * ends. A run without {@code finishedAt} is going on, or its node died during it.
 */
@Entity
@Table(name = "idle_sweep_run")
public class IdleSweepRun {

    public static final int MAX_SAMPLE_LENGTH = 1000;

    /** What started a run. */
    public enum Trigger {
        TIMER, ADMIN;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id", nullable = false, updatable = false)
    private Long id;

    @Column(name = "node", length = 128, nullable = false, updatable = false)
    private String node;

    @Column(name = "run_trigger", length = 16, nullable = false, updatable = false)
    private String trigger;

    @Column(name = "triggered_by", length = 128, updatable = false)
    private String triggeredBy;

    @Column(name = "window_seconds", nullable = false, updatable = false)
    private long windowSeconds;

    @Column(name = "started_at", nullable = false, updatable = false)
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    @Column(name = "duration_ms")
    private Long durationMs;

    @Column(name = "examined", nullable = false)
    private int examined;

    @Column(name = "closed", nullable = false)
    private int closed;

    @Column(name = "errors", nullable = false)
    private int errors;

    @Column(name = "error_sample", length = MAX_SAMPLE_LENGTH)
    private String errorSample;

    protected IdleSweepRun() {
        // for JPA
    }

    /**
     * A run starting now.
     *
     * @param triggeredBy the admin who asked for it; null for the timer
     */
    public IdleSweepRun(String node, Trigger trigger, String triggeredBy, Duration window, Instant startedAt) {
        this.node = Objects.requireNonNull(node, "node");
        this.trigger = trigger.wireName();
        this.triggeredBy = triggeredBy;
        this.windowSeconds = window.toSeconds();
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Records how the run ended; the error sample is cut to fit its column. */
    public void finish(Instant finishedAt, long durationMs, int examined, int closed, int errors, String errorSample) {
        this.finishedAt = finishedAt;
        this.durationMs = durationMs;
        this.examined = examined;
        this.closed = closed;
        this.errors = errors;
        this.errorSample = errorSample == null || errorSample.length() <= MAX_SAMPLE_LENGTH ? errorSample
                : errorSample.substring(0, MAX_SAMPLE_LENGTH - 1) + "…";
    }

    public IdleSweepRunResponse toResponse() {
        return new IdleSweepRunResponse(id, node, trigger, triggeredBy, windowSeconds, startedAt, finishedAt, durationMs,
                examined, closed, errors, errorSample);
    }

    public Long getId() {
        return id;
    }

    public Instant getStartedAt() {
        return startedAt;
    }
}
