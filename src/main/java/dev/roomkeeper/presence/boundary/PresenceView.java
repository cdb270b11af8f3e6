package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.presence.control.ParsedMetadata;
import dev.roomkeeper.presence.entity.PresenceListResponse;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.presence.entity.PresenceSnapshot;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A presence snapshot as clients see it ({@link PresenceListResponse}): REST answers the record through
 * JSON-B; the WebSocket join ack embeds {@link #json} of the same record, written with JSON-P so the
 * socket path builds no JSON-B machinery. {@code PresenceViewTest} checks that both write the same JSON.
 */
final class PresenceView {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private PresenceView() {
    }

    static PresenceListResponse of(PresenceSnapshot snapshot, ParsedMetadata metadata) {
        Map<String, List<PresenceSession>> byUser = new LinkedHashMap<>();
        snapshot.sessions().stream()
                .sorted((a, b) -> Long.compare(a.joinedAt(), b.joinedAt()))
                .forEach(s -> byUser.computeIfAbsent(s.userId(), u -> new ArrayList<>()).add(s));
        List<PresenceListResponse.User> users = new ArrayList<>(byUser.size());
        byUser.forEach((userId, sessions) -> {
            List<PresenceListResponse.Session> list = new ArrayList<>(sessions.size());
            for (PresenceSession s : sessions) {
                list.add(new PresenceListResponse.Session(s.sessionId(), s.state().wireName(), s.joinedAt(), metadata.of(s.meta())));
            }
            JsonObject firstMeta = list.get(0).meta();
            users.add(new PresenceListResponse.User(userId, firstMeta.getString("displayName", userId),
                    firstMeta.getString("role", ""), List.copyOf(list)));
        });
        List<PresenceListResponse.Offline> offline = snapshot.lastDisconnected().entrySet().stream()
                .filter(e -> !byUser.containsKey(e.getKey()))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> new PresenceListResponse.Offline(e.getKey(), e.getValue()))
                .toList();
        return new PresenceListResponse(snapshot.room(), snapshot.epoch(), snapshot.seq(), List.copyOf(users), offline);
    }

    /** The record as JSON-P, field for field as JSON-B writes it. */
    static JsonObjectBuilder json(PresenceListResponse view) {
        JsonArrayBuilder users = JSON.createArrayBuilder();
        for (PresenceListResponse.User user : view.users()) {
            JsonArrayBuilder sessions = JSON.createArrayBuilder();
            for (PresenceListResponse.Session s : user.sessions()) {
                sessions.add(JSON.createObjectBuilder()
                        .add("sessionId", s.sessionId())
                        .add("state", s.state())
                        .add("joinedAt", s.joinedAt())
                        .add("meta", s.meta()));
            }
            users.add(JSON.createObjectBuilder()
                    .add("userId", user.userId())
                    .add("displayName", user.displayName())
                    .add("role", user.role())
                    .add("sessions", sessions));
        }
        JsonArrayBuilder offline = JSON.createArrayBuilder();
        for (PresenceListResponse.Offline o : view.offline()) {
            offline.add(JSON.createObjectBuilder().add("userId", o.userId()).add("lastDisconnected", o.lastDisconnected()));
        }
        return JSON.createObjectBuilder()
                .add("room", view.room())
                .add("epoch", view.epoch())
                .add("seq", view.seq())
                .add("users", users)
                .add("offline", offline);
    }
}
