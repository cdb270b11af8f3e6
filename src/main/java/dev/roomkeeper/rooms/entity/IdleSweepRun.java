package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.platform.entity.JobRun;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.time.Duration;
import java.time.Instant;

/**
 * One run of the idle-room sweep on one node, for operators: recorded when it starts, completed when it
 * ends. A run without {@code finishedAt} is going on, or its node died during it.
 */
@Entity
@Table(name = "idle_sweep_run")
public class IdleSweepRun extends JobRun {

    public static final int MAX_SAMPLE_LENGTH = 1000;

    /** What started a run. */
    public enum Trigger {
        TIMER, ADMIN;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Column(name = "window_seconds", nullable = false, updatable = false)
    private long windowSeconds;

    @Column(name = "examined", nullable = false)
    private int examined;

    @Column(name = "closed", nullable = false)
    private int closed;

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
        super(node, trigger.wireName(), triggeredBy, startedAt);
        this.windowSeconds = window.toSeconds();
    }

    /** Records how the run ended; the error sample is cut to fit its column. */
    public void finish(Instant finishedAt, long durationMs, int examined, int closed, int errors, String errorSample) {
        ended(finishedAt, durationMs, errors);
        this.examined = examined;
        this.closed = closed;
        this.errorSample = errorSample == null || errorSample.length() <= MAX_SAMPLE_LENGTH ? errorSample
                : errorSample.substring(0, MAX_SAMPLE_LENGTH - 1) + "…";
    }

    public IdleSweepRunResponse toResponse() {
        return new IdleSweepRunResponse(id, node, trigger, triggeredBy, windowSeconds, startedAt, finishedAt, durationMs,
                examined, closed, errors, errorSample);
    }
}
