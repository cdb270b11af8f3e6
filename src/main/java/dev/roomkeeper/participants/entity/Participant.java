package dev.roomkeeper.participants.entity;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One session of a participant in a channel (a LiveKit room) as the cache keeps it. A session is LiveKit's
 * participant sid: a re-join is a new sid, so a new session. A session that left stays a while as a tombstone
 * ({@code left}), so that a late delivery about it cannot bring it back.
 *
 * @param channel  the channel (the LiveKit room's part after the Roomkeeper room; "" for none)
 * @param sid      LiveKit's participant sid ({@code PA_...})
 * @param identity the participant's identity (usually the user id)
 * @param name     the display name (may be empty)
 * @param metadata the participant's metadata as LiveKit holds it (may be empty)
 * @param joinedAt when the participant joined (epoch ms; 0 when unknown)
 * @param tracks   the published tracks
 * @param roomSid  the sid of the LiveKit room session the participant is in ("" when unknown)
 * @param version  LiveKit's version of the participant's info: it grows with every change of it
 * @param at       when the LiveKit event that last changed this session was created (epoch ms)
 * @param left     true once the session ended: nothing brings it back
 * @param reason   why it ended ({@code left}, {@code aborted}, {@code room-finished}, {@code reconciled}); null while
 *                 present
 * @param events   the ids of the last webhook events recorded for this session, newest last (at most
 *                 {@value #RECENT_EVENTS}): a redelivery of one of them changes nothing
 * @param announced the type of the event the last of them published ({@code participants.joined}, ...); null when
 *                  it changed nothing clients see
 */
public record Participant(String channel, String sid, String identity, String name, String metadata, long joinedAt,
                          List<Track> tracks, String roomSid, long version, long at, boolean left, String reason,
                          List<String> events, String announced) {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    public static final int RECENT_EVENTS = 8;

    public Participant {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(sid, "sid");
        identity = identity == null ? "" : identity;
        name = name == null ? "" : name;
        metadata = metadata == null ? "" : metadata;
        tracks = List.copyOf(tracks == null ? List.of() : tracks);
        roomSid = roomSid == null ? "" : roomSid;
        events = List.copyOf(events == null ? List.of() : events);
    }

    /** True while the session is in the channel. */
    public boolean present() {
        return !left;
    }

    public Participant withTracks(List<Track> tracks) {
        return new Participant(channel, sid, identity, name, metadata, joinedAt, tracks, roomSid, version, at, left, reason,
                events, announced);
    }

    /** The same state, recording that its last event published {@code change} (null: nothing). */
    public Participant announcing(String change) {
        return new Participant(channel, sid, identity, name, metadata, joinedAt, tracks, roomSid, version, at, left, reason,
                events, change);
    }

    /** The same session, ended for {@code reason} as of {@code at}, remembering {@code eventId}. */
    public Participant ended(String reason, long at, String eventId) {
        return new Participant(channel, sid, identity, name, metadata, joinedAt, List.of(), roomSid, version,
                Math.max(this.at, at), true, reason, remember(events, eventId), announced);
    }

    /** The same state with {@code eventId} among the recent events. */
    public Participant recording(String eventId) {
        return new Participant(channel, sid, identity, name, metadata, joinedAt, tracks, roomSid, version, at, left, reason,
                remember(events, eventId), announced);
    }

    /** Whether what clients see of this session differs from {@code other}'s (stamps and event ids aside). */
    public boolean differsForClients(Participant other) {
        return other == null || left != other.left || !identity.equals(other.identity) || !name.equals(other.name)
                || !metadata.equals(other.metadata) || joinedAt != other.joinedAt || !tracks.equals(other.tracks);
    }

    /** Appends an event id to a bounded list of recent ones (null or empty: unchanged). */
    public static List<String> remember(List<String> events, String eventId) {
        if (eventId == null || eventId.isEmpty() || events.contains(eventId)) {
            return events;
        }
        List<String> next = new ArrayList<>(events);
        next.add(eventId);
        while (next.size() > RECENT_EVENTS) {
            next.remove(0);
        }
        return next;
    }

    /** What clients see: REST answers and the {@code participants.*} events. */
    public JsonObjectBuilder view() {
        JsonArrayBuilder published = JSON.createArrayBuilder();
        tracks.forEach(t -> published.add(t.toJson()));
        return JSON.createObjectBuilder().add("sid", sid).add("identity", identity).add("name", name)
                .add("metadata", metadata).add("joinedAt", joinedAt).add("tracks", published).add("version", version)
                .add("at", at);
    }

    /** The value kept in the engine. */
    public String stored() {
        JsonArrayBuilder ids = JSON.createArrayBuilder();
        events.forEach(ids::add);
        JsonObjectBuilder json = view().add("channel", channel).add("roomSid", roomSid).add("left", left).add("events", ids);
        if (reason != null) {
            json.add("reason", reason);
        }
        if (announced != null) {
            json.add("announced", announced);
        }
        return json.build().toString();
    }

    /** A value written by {@link #stored()}. */
    public static Participant parse(String stored) {
        JsonObject json;
        try (JsonReader reader = JSON.createReader(new StringReader(stored))) {
            json = reader.readObject();
        }
        List<Track> tracks = new ArrayList<>();
        json.getJsonArray("tracks").forEach(t -> tracks.add(Track.of(t.asJsonObject())));
        List<String> events = new ArrayList<>();
        json.getJsonArray("events").forEach(e -> events.add(((JsonString) e).getString()));
        JsonValue reason = json.get("reason");
        JsonValue announced = json.get("announced");
        return new Participant(json.getString("channel"), json.getString("sid"), json.getString("identity"),
                json.getString("name"), json.getString("metadata"), json.getJsonNumber("joinedAt").longValue(), tracks,
                json.getString("roomSid"), json.getJsonNumber("version").longValue(), json.getJsonNumber("at").longValue(),
                json.getBoolean("left"), reason == null ? null : ((JsonString) reason).getString(), events,
                announced == null ? null : ((JsonString) announced).getString());
    }
}
