package dev.roomkeeper.participants.entity;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

import java.util.Objects;

/**
 * A track a participant publishes in a LiveKit room.
 *
 * @param sid    LiveKit's track id ({@code TR_...})
 * @param kind   {@code audio}, {@code video} or {@code data}
 * @param source {@code camera}, {@code microphone}, {@code screen_share}, {@code screen_share_audio} or
 *               {@code unknown}
 * @param name   the name the publisher gave it (may be empty)
 * @param muted  whether it is muted now
 */
public record Track(String sid, String kind, String source, String name, boolean muted) {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    public Track {
        Objects.requireNonNull(sid, "sid");
        kind = kind == null ? "unknown" : kind;
        source = source == null ? "unknown" : source;
        name = name == null ? "" : name;
    }

    public JsonObjectBuilder toJson() {
        return JSON.createObjectBuilder().add("sid", sid).add("kind", kind).add("source", source).add("name", name)
                .add("muted", muted);
    }

    public static Track of(JsonObject json) {
        return new Track(json.getString("sid"), json.getString("kind", "unknown"), json.getString("source", "unknown"),
                json.getString("name", ""), json.getBoolean("muted", false));
    }
}
