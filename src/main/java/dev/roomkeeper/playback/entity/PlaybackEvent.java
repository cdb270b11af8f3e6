package dev.roomkeeper.playback.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One row of a stream's event log: an accepted command or viewer report, as the playback flush wrote it. */
@Entity
@Table(name = "playback_event")
public class PlaybackEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id", nullable = false, updatable = false)
    private Long id;

    @Column(name = "stream_id", length = 36, nullable = false, updatable = false)
    private String streamId;

    @Column(name = "user_id", length = 128, nullable = false, updatable = false)
    private String userId;

    @Column(name = "event_type", length = 16, nullable = false, updatable = false)
    private String eventType;

    @Column(name = "event_id", length = 64, nullable = false, updatable = false)
    private String eventId;

    @Column(name = "timestamp_ms", nullable = false, updatable = false)
    private long timestampMs;

    @Column(name = "position_ms", nullable = false, updatable = false)
    private long positionMs;

    @Column(name = "metadata", length = 2000, updatable = false)
    private String metadata;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    protected PlaybackEvent() {
        // for JPA
    }

    public PlaybackEvent(LogEntry entry, Instant createdAt) {
        this.streamId = entry.streamId();
        this.userId = entry.userId();
        this.eventType = entry.type();
        this.eventId = entry.eventId();
        this.timestampMs = entry.at();
        this.positionMs = entry.positionMs();
        this.metadata = entry.metadata();
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public String getStreamId() {
        return streamId;
    }

    public String getUserId() {
        return userId;
    }

    public String getEventType() {
        return eventType;
    }

    public String getEventId() {
        return eventId;
    }

    public long getTimestampMs() {
        return timestampMs;
    }

    public long getPositionMs() {
        return positionMs;
    }

    public String getMetadata() {
        return metadata;
    }
}
