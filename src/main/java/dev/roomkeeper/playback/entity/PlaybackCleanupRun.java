package dev.roomkeeper.playback.entity;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Objects;

/** One run of the playback cleanup: where, why, and what it did (events deleted, streams reset, errors). */
@Entity
@Table(name = "playback_cleanup_run")
public class PlaybackCleanupRun {

    private static final JsonProvider JSON = JsonProvider.provider();

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

    @Column(name = "started_at", nullable = false, updatable = false)
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    @Column(name = "duration_ms")
    private Long durationMs;

    @Column(name = "events_deleted", nullable = false)
    private int eventsDeleted;

    @Column(name = "streams_reset", nullable = false)
    private int streamsReset;

    @Column(name = "errors", nullable = false)
    private int errors;

    protected PlaybackCleanupRun() {
        // for JPA
    }

    /** @param trigger {@code timer} or {@code admin} */
    public PlaybackCleanupRun(String node, String trigger, String triggeredBy, Instant startedAt) {
        this.node = Objects.requireNonNull(node, "node");
        this.trigger = Objects.requireNonNull(trigger, "trigger");
        this.triggeredBy = triggeredBy;
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
    }

    public void finish(Instant at, long durationMs, int eventsDeleted, int streamsReset, int errors) {
        this.finishedAt = at;
        this.durationMs = durationMs;
        this.eventsDeleted = eventsDeleted;
        this.streamsReset = streamsReset;
        this.errors = errors;
    }

    public Long getId() {
        return id;
    }

    public int getEventsDeleted() {
        return eventsDeleted;
    }

    public int getStreamsReset() {
        return streamsReset;
    }

    public JsonObject toJson() {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("id", id).add("node", node).add("trigger", trigger)
                .add("startedAt", startedAt.toString()).add("eventsDeleted", eventsDeleted)
                .add("streamsReset", streamsReset).add("errors", errors);
        if (triggeredBy != null) {
            json.add("triggeredBy", triggeredBy);
        }
        if (finishedAt != null) {
            json.add("finishedAt", finishedAt.toString()).add("durationMs", durationMs);
        }
        return json.build();
    }
}
