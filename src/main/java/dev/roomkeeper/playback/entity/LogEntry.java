package dev.roomkeeper.playback.entity;

import java.util.Objects;
import java.util.Set;

/**
 * One entry for a stream's event log, queued on the node that accepted it until the playback flush writes it.
 *
 * @param streamId   the stream
 * @param userId     who sent it
 * @param type       one of {@link #TYPES}
 * @param eventId    the client's eventId (or one the server made for a report without one)
 * @param at         server time it was accepted (epoch ms)
 * @param positionMs the position it concerns: the timeline's for a command, the viewer's for a report
 * @param metadata   JSON text with what else matters (rate, media URL, drift, ...), at most 2,000 characters, or null
 */
public record LogEntry(String streamId, String userId, String type, String eventId, long at, long positionMs,
                       String metadata) {

    public static final Set<String> TYPES = Set.of("play", "pause", "seek", "rate", "media", "sync_request",
            "buffer_start", "buffer_end", "position", "handoff");
    public static final int MAX_METADATA = 2_000;

    public LogEntry {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(eventId, "eventId");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown event type " + type);
        }
        if (metadata != null && metadata.length() > MAX_METADATA) {
            metadata = null;
        }
    }

    /** The row's identity for deduplication: stream and eventId. */
    public String key() {
        return streamId + "\n" + eventId;
    }
}
