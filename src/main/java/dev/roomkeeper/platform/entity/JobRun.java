package dev.roomkeeper.platform.entity;

import jakarta.persistence.Column;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

import java.time.Instant;
import java.util.Objects;

/**
 * What every recorded run of a sweep or cleanup has, for operators: the node that ran it, what started it (the
 * timer or an admin, and which one), when it started and ended, and how many errors it met. A run without
 * {@code finishedAt} is going on, or its node died during it. Each job's table adds the counts of its own work.
 */
@MappedSuperclass
public abstract class JobRun {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id", nullable = false, updatable = false)
    protected Long id;

    @Column(name = "node", length = 128, nullable = false, updatable = false)
    protected String node;

    @Column(name = "run_trigger", length = 16, nullable = false, updatable = false)
    protected String trigger;

    @Column(name = "triggered_by", length = 128, updatable = false)
    protected String triggeredBy;

    @Column(name = "started_at", nullable = false, updatable = false)
    protected Instant startedAt;

    @Column(name = "finished_at")
    protected Instant finishedAt;

    @Column(name = "duration_ms")
    protected Long durationMs;

    @Column(name = "errors", nullable = false)
    protected int errors;

    protected JobRun() {
        // for JPA
    }

    /**
     * A run starting at {@code startedAt}.
     *
     * @param trigger     {@code timer} or {@code admin}
     * @param triggeredBy the admin who asked for it; null for the timer
     */
    protected JobRun(String node, String trigger, String triggeredBy, Instant startedAt) {
        this.node = Objects.requireNonNull(node, "node");
        this.trigger = Objects.requireNonNull(trigger, "trigger");
        this.triggeredBy = triggeredBy;
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Records when the run ended, how long it took and how many errors it met. */
    protected void ended(Instant at, long durationMs, int errors) {
        this.finishedAt = at;
        this.durationMs = durationMs;
        this.errors = errors;
    }

    public Long getId() {
        return id;
    }

    public Instant getStartedAt() {
        return startedAt;
    }
}
