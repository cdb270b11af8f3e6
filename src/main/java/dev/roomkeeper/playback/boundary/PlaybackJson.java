package dev.roomkeeper.playback.boundary;

import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.playback.entity.PlaybackEvent;
import dev.roomkeeper.playback.entity.Timeline;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.List;
import java.util.regex.Pattern;

/** The JSON of playback answers, the same over REST and frames. */
final class PlaybackJson {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Pattern STREAM_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private PlaybackJson() {
    }

    /**
     * {@code {room, epoch, seq, serverTime, streams: [{version, timeline}]}}: apply it, then the room's
     * {@code playback.set} events with a greater seq.
     */
    static JsonObject snapshot(KeyedSnapshot snapshot) {
        JsonArrayBuilder streams = JSON.createArrayBuilder();
        for (KeyedEntry entry : snapshot.entries()) {
            streams.add(JSON.createObjectBuilder().add("version", entry.version())
                    .add("timeline", Timeline.fromJson(entry.value()).toJson()));
        }
        return JSON.createObjectBuilder().add("room", snapshot.room()).add("epoch", snapshot.epoch())
                .add("seq", snapshot.seq()).add("serverTime", System.currentTimeMillis()).add("streams", streams).build();
    }

    static JsonObject timeline(String roomId, KeyedEntry entry) {
        Timeline timeline = Timeline.fromJson(entry.value());
        return JSON.createObjectBuilder().add("room", roomId).add("stream", timeline.stream())
                .add("version", entry.version()).add("serverTime", System.currentTimeMillis())
                .add("timeline", timeline.toJson()).build();
    }

    /** {@code {room, stream, driftMs, correct, expectedMs, serverTime[, version, timeline]}}: the timeline when to correct. */
    static JsonObject judged(String roomId, String stream, dev.roomkeeper.playback.control.Timelines.Judged judged) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("room", roomId).add("stream", stream)
                .add("driftMs", judged.report().driftMs()).add("correct", judged.report().correct())
                .add("expectedMs", judged.report().expectedMs()).add("serverTime", System.currentTimeMillis());
        if (judged.report().correct()) {
            json.add("version", judged.entry().version()).add("timeline", Timeline.fromJson(judged.entry().value()).toJson());
        }
        return json.build();
    }

    static JsonObjectBuilder event(PlaybackEvent event) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("stream", event.getStreamId())
                .add("userId", event.getUserId()).add("type", event.getEventType()).add("eventId", event.getEventId())
                .add("at", event.getTimestampMs()).add("positionMs", event.getPositionMs());
        if (event.getMetadata() != null) {
            try (var reader = JSON.createReader(new StringReader(event.getMetadata()))) {
                json.add("metadata", reader.readValue());
            } catch (RuntimeException e) {
                json.add("metadata", event.getMetadata());
            }
        }
        return json;
    }

    /** A stream id: a lower-case UUID. */
    static String streamId(String given, String field) {
        if (given == null || !STREAM_ID.matcher(given).matches()) {
            throw ProblemException.invalid(List.of(new FieldError(field, "must be a stream id (a lower-case UUID)")));
        }
        return given;
    }
}
