package dev.roomkeeper.participants.entity;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the cache knows of a channel (one LiveKit room) beyond its participants: the LiveKit room sessions that
 * finished, so that a late delivery about one of them adds nobody back.
 *
 * @param channel   the channel ("" for none)
 * @param livekitRoom the LiveKit room's name, as LiveKit sends it (what reconciliation asks LiveKit about)
 * @param roomSid   the sid of the room session last started ("" when unknown)
 * @param startedAt when that session started (epoch ms; 0 when unknown)
 * @param ended     the sids of the room sessions that finished, newest last (at most {@value #ENDED_KEPT})
 * @param endedAt   when the last of them finished (epoch ms; 0 when none did)
 * @param syncedAt  when the channel was last reconciled with LiveKit (epoch ms; 0 when never)
 * @param events    the ids of the last webhook events recorded for the channel, newest last
 */
public record Channel(String channel, String livekitRoom, String roomSid, long startedAt, List<String> ended, long endedAt, long syncedAt,
                      List<String> events) {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    public static final int ENDED_KEPT = 16;

    public Channel {
        Objects.requireNonNull(channel, "channel");
        livekitRoom = livekitRoom == null ? "" : livekitRoom;
        roomSid = roomSid == null ? "" : roomSid;
        ended = List.copyOf(ended == null ? List.of() : ended);
        events = List.copyOf(events == null ? List.of() : events);
    }

    public static Channel empty(String channel, String livekitRoom) {
        return new Channel(channel, livekitRoom, "", 0, List.of(), 0, 0, List.of());
    }

    /** Whether the LiveKit room session {@code roomSid} (or, unknown, one of before {@code at}) finished. */
    public boolean finished(String roomSid, long at) {
        if (roomSid != null && !roomSid.isEmpty()) {
            return ended.contains(roomSid);
        }
        return endedAt > 0 && at <= endedAt;
    }

    public Channel started(String roomSid, long at, String eventId) {
        return new Channel(channel, livekitRoom, roomSid, Math.max(startedAt, at), ended, endedAt, syncedAt,
                Participant.remember(events, eventId));
    }

    public Channel finishing(String roomSid, long at, String eventId) {
        List<String> next = new ArrayList<>(ended);
        if (roomSid != null && !roomSid.isEmpty() && !next.contains(roomSid)) {
            next.add(roomSid);
        }
        while (next.size() > ENDED_KEPT) {
            next.remove(0);
        }
        return new Channel(channel, livekitRoom, this.roomSid, startedAt, next, Math.max(endedAt, at), syncedAt,
                Participant.remember(events, eventId));
    }

    public Channel synced(long at) {
        return new Channel(channel, livekitRoom, roomSid, startedAt, ended, endedAt, Math.max(syncedAt, at), events);
    }

    public String stored() {
        JsonArrayBuilder sids = JSON.createArrayBuilder();
        ended.forEach(sids::add);
        JsonArrayBuilder ids = JSON.createArrayBuilder();
        events.forEach(ids::add);
        return JSON.createObjectBuilder().add("channel", channel).add("livekitRoom", livekitRoom).add("roomSid", roomSid).add("startedAt", startedAt)
                .add("ended", sids).add("endedAt", endedAt).add("syncedAt", syncedAt).add("events", ids).build().toString();
    }

    public static Channel parse(String stored) {
        JsonObject json;
        try (JsonReader reader = JSON.createReader(new StringReader(stored))) {
            json = reader.readObject();
        }
        List<String> ended = new ArrayList<>();
        json.getJsonArray("ended").forEach(e -> ended.add(((JsonString) e).getString()));
        List<String> events = new ArrayList<>();
        json.getJsonArray("events").forEach(e -> events.add(((JsonString) e).getString()));
        return new Channel(json.getString("channel"), json.getString("livekitRoom", ""), json.getString("roomSid"),
                json.getJsonNumber("startedAt").longValue(), ended, json.getJsonNumber("endedAt").longValue(),
                json.getJsonNumber("syncedAt").longValue(), events);
    }
}
