package dev.roomkeeper.playback.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Objects;

/**
 * A playback stream as it lasts in the database: created with its room's stream, and updated in batches by the
 * playback flush from the live timeline (never on a command's path).
 */
@Entity
@Table(name = "playback_stream")
public class PlaybackStream {

    @Id
    @Column(name = "id", length = 36, nullable = false, updatable = false)
    private String id;

    @Column(name = "room_id", length = 36, nullable = false, updatable = false)
    private String roomId;

    @Column(name = "title", length = 200, nullable = false)
    private String title;

    @Column(name = "video_url", length = 2048, nullable = false)
    private String videoUrl;

    @Column(name = "position_ms", nullable = false)
    private long positionMs;

    @Column(name = "rate", nullable = false)
    private double rate;

    @Column(name = "is_playing", nullable = false)
    private boolean playing;

    @Column(name = "sync_enabled", nullable = false)
    private boolean syncEnabled;

    @Column(name = "sync_tolerance_ms", nullable = false)
    private int syncToleranceMs;

    @Column(name = "wait_for_all", nullable = false)
    private boolean waitForAll;

    @Column(name = "last_sync_at", nullable = false)
    private Instant lastSyncAt;

    @Column(name = "last_host_id", length = 128, nullable = false)
    private String lastHostId;

    @Column(name = "created_by", length = 128, nullable = false, updatable = false)
    private String createdBy;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    protected PlaybackStream() {
        // for JPA
    }

    public PlaybackStream(String roomId, Timeline timeline) {
        this.id = timeline.stream();
        this.roomId = Objects.requireNonNull(roomId, "roomId");
        this.createdBy = timeline.by();
        this.createdAt = Instant.ofEpochMilli(timeline.at());
        update(timeline);
    }

    /** Takes a later timeline; an older one (a flush that lost a race) changes nothing. */
    public boolean update(Timeline timeline) {
        Instant at = Instant.ofEpochMilli(timeline.at());
        if (lastSyncAt != null && at.isBefore(lastSyncAt)) {
            return false;
        }
        title = timeline.title();
        videoUrl = timeline.media();
        positionMs = timeline.positionMs();
        rate = timeline.rate();
        playing = timeline.playing();
        syncEnabled = timeline.syncEnabled();
        syncToleranceMs = timeline.toleranceMs();
        waitForAll = timeline.waitForAll();
        lastSyncAt = at;
        lastHostId = timeline.by();
        return true;
    }

    /** The stream as its row holds it, for a timeline the engine lost. */
    public Timeline timeline() {
        return new Timeline(id, title, videoUrl, positionMs, rate, playing, lastSyncAt.toEpochMilli(), syncEnabled,
                syncToleranceMs, waitForAll, lastHostId, "restored", null, null);
    }

    public String getId() {
        return id;
    }

    public String getRoomId() {
        return roomId;
    }

    public boolean isPlaying() {
        return playing;
    }

    public Instant getLastSyncAt() {
        return lastSyncAt;
    }

    public long getPositionMs() {
        return positionMs;
    }

    public String getLastHostId() {
        return lastHostId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
