package dev.roomkeeper.playback.entity;

import dev.roomkeeper.platform.entity.JobRun;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.time.Instant;

/** One run of the playback cleanup: where, why, and what it did (events deleted, streams reset, errors). */
@Entity
@Table(name = "playback_cleanup_run")
public class PlaybackCleanupRun extends JobRun {

    private static final JsonProvider JSON = JsonProvider.provider();

    @Column(name = "events_deleted", nullable = false)
    private int eventsDeleted;

    @Column(name = "streams_reset", nullable = false)
    private int streamsReset;

    protected PlaybackCleanupRun() {
        // for JPA
    }

    /** @param trigger {@code timer} or {@code admin} */
    public PlaybackCleanupRun(String node, String trigger, String triggeredBy, Instant startedAt) {
        super(node, trigger, triggeredBy, startedAt);
    }

    public void finish(Instant at, long durationMs, int eventsDeleted, int streamsReset, int errors) {
        ended(at, durationMs, errors);
        this.eventsDeleted = eventsDeleted;
        this.streamsReset = streamsReset;
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
