package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.presence.entity.PresenceSnapshot;
import jakarta.json.Json;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A presence snapshot as clients see it: online users with their sessions, and who left when. */
final class PresenceView {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();


    private PresenceView() {
    }

    static JsonObjectBuilder snapshot(PresenceSnapshot snapshot) {
        Map<String, List<PresenceSession>> byUser = new LinkedHashMap<>();
        snapshot.sessions().stream()
                .sorted((a, b) -> Long.compare(a.joinedAt(), b.joinedAt()))
                .forEach(s -> byUser.computeIfAbsent(s.userId(), u -> new ArrayList<>()).add(s));
        JsonArrayBuilder users = JSON.createArrayBuilder();
        byUser.forEach((userId, sessions) -> {
            JsonArrayBuilder list = JSON.createArrayBuilder();
            for (PresenceSession s : sessions) {
                list.add(session(s));
            }
            JsonObject firstMeta = meta(sessions.get(0).meta());
            users.add(JSON.createObjectBuilder()
                    .add("userId", userId)
                    .add("displayName", firstMeta.getString("displayName", userId))
                    .add("role", firstMeta.getString("role", ""))
                    .add("sessions", list));
        });
        JsonArrayBuilder offline = JSON.createArrayBuilder();
        snapshot.lastDisconnected().entrySet().stream()
                .filter(e -> !byUser.containsKey(e.getKey()))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> offline.add(JSON.createObjectBuilder().add("userId", e.getKey()).add("lastDisconnected", e.getValue())));
        return JSON.createObjectBuilder()
                .add("room", snapshot.room())
                .add("epoch", snapshot.epoch())
                .add("seq", snapshot.seq())
                .add("users", users)
                .add("offline", offline);
    }

    static JsonObjectBuilder session(PresenceSession s) {
        return JSON.createObjectBuilder()
                .add("sessionId", s.sessionId())
                .add("state", s.state().wireName())
                .add("joinedAt", s.joinedAt())
                .add("meta", meta(s.meta()));
    }

    private static JsonObject meta(String json) {
        return JSON.createReader(new StringReader(json)).readObject();
    }
}
