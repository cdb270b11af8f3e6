package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.presence.control.PresenceRegistry;
import dev.roomkeeper.presence.entity.Joined;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.stream.control.Frames;
import dev.roomkeeper.stream.control.SocketCommands;
import dev.roomkeeper.stream.control.SocketConnection;
import dev.roomkeeper.stream.control.SocketProtocol;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presence over the socket: {@code presence.join}, {@code .heartbeat}, {@code .update}, {@code .leave}.
 * Remembers which sessions each socket carries, so a clean close ends them and a dropped socket leaves
 * them reconnecting for the grace period.
 */
@ApplicationScoped
public class PresenceSocketCommands implements SocketCommands {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();


    private static final int MAX_ROOM_REF = 128;

    @Inject
    PresenceRegistry registry;

    @Inject
    RoomAccess access;

    @Inject
    SocketProtocol protocol;

    /** One session carried by a socket. */
    record Binding(String roomId, String slug, String userId, String sessionId, Duration interval, String connectionId) {
    }

    /** connection id → its sessions, keyed by room + session id */
    private final Map<String, Map<String, Binding>> bySocket = new ConcurrentHashMap<>();
    /** room + session id → the socket that carries it now (a resumed session moves sockets) */
    private final Map<String, String> owners = new ConcurrentHashMap<>();

    @Override
    public Set<String> types() {
        return Set.of("presence.join", "presence.heartbeat", "presence.update", "presence.leave");
    }

    @Override
    public void handle(SocketConnection connection, String type, JsonObject frame, String id) {
        Caller caller = connection.caller();
        String roomRef = Frames.requiredString(frame, "room", MAX_ROOM_REF);
        String sessionId = Frames.requiredString(frame, "sessionId", 64);
        switch (type) {
            case "presence.join" -> join(connection, caller, roomRef, sessionId, frame, id);
            case "presence.heartbeat" -> heartbeat(connection, caller, roomRef, sessionId, id);
            case "presence.update" -> {
                JsonObject meta = Frames.optionalObject(frame, "meta");
                if (meta == null) {
                    throw new Frames.FrameException("\"meta\" is required.");
                }
                registry.update(caller, roomRef, sessionId, meta);
                protocol.ack(connection, id, JSON.createObjectBuilder().add("sessionId", sessionId));
            }
            case "presence.leave" -> {
                String roomId = access.resolve(roomRef, caller).roomId();
                unbind(connection.id(), roomId, sessionId);
                registry.leave(roomId, caller.userId(), sessionId);
                protocol.ack(connection, id, JSON.createObjectBuilder().add("room", roomId).add("sessionId", sessionId));
            }
            default -> throw new IllegalStateException(type);
        }
    }

    private void join(SocketConnection connection, Caller caller, String roomRef, String sessionId, JsonObject frame,
                      String id) {
        Long interval = Frames.optionalLong(frame, "interval", 1, 3_600_000);
        JsonObject meta = Frames.optionalObject(frame, "meta");
        String resumeToken = Frames.optionalString(frame, "resumeToken", 2048);
        Joined joined = registry.join(caller, roomRef, sessionId, interval, meta, resumeToken);
        String roomId = joined.access().roomId();
        bind(new Binding(roomId, joined.access().slug(), caller.userId(), sessionId, joined.interval(), connection.id()));
        JsonObjectBuilder result = JSON.createObjectBuilder()
                .add("room", roomId)
                .add("slug", joined.access().slug())
                .add("role", joined.access().role().wireName())
                .add("sessionId", sessionId)
                .add("interval", joined.interval().toMillis())
                .add("sessionToken", joined.sessionToken())
                .add("resumeToken", joined.sessionToken())
                .add("roomToken", joined.roomToken())
                .add("snapshot", PresenceView.json(PresenceView.of(joined.snapshot())));
        if (protocol.subscribed(connection, roomId)) {
            protocol.ack(connection, id, result);
        } else {
            // follow the room from the snapshot on: the ack, then every event after the snapshot's seq
            protocol.subscribeTo(connection, roomId, joined.snapshot().seq(), joined.snapshot().epoch(),
                    replay -> protocol.ack(connection, id, result.add("subscribed", true)));
        }
    }

    /**
     * Keeps alive a session this socket joined (or resumed), at the interval granted then. Any other
     * socket is refused and changes nothing: it would not know the interval, and the session must not
     * move to a socket whose close would then end it.
     */
    private void heartbeat(SocketConnection connection, Caller caller, String roomRef, String sessionId, String id) {
        Binding binding = binding(connection.id(), roomRef, sessionId);
        if (binding == null) {
            protocol.error(connection, id, "presence-not-joined",
                    "This socket has not joined this presence session; send presence.join (with the resumeToken to resume it).");
            return;
        }
        if (!registry.heartbeat(binding.roomId(), caller.userId(), sessionId, binding.interval())) {
            unbind(connection.id(), binding.roomId(), sessionId);
            protocol.error(connection, id, "presence-expired",
                    "This presence session has ended (expired, left or removed); join again.");
            return;
        }
        if (id != null) {
            protocol.ack(connection, id, JSON.createObjectBuilder().add("interval", binding.interval().toMillis()));
        }
    }

    @Override
    public void closed(SocketConnection connection, boolean clean) {
        Map<String, Binding> sessions = bySocket.remove(connection.id());
        if (sessions == null) {
            return;
        }
        for (Binding b : sessions.values()) {
            String key = key(b.roomId(), b.sessionId());
            // a session that already moved to another socket (resumed there) is not this socket's to end
            if (!owners.remove(key, connection.id())) {
                continue;
            }
            if (clean) {
                registry.leave(b.roomId(), b.userId(), b.sessionId());
            } else {
                registry.dropped(b.roomId(), b.userId(), b.sessionId());
            }
        }
    }

    private Binding binding(String connectionId, String roomRef, String sessionId) {
        Map<String, Binding> sessions = bySocket.get(connectionId);
        if (sessions == null) {
            return null;
        }
        Binding direct = sessions.get(key(roomRef, sessionId));
        if (direct != null) {
            return direct;
        }
        for (Binding b : sessions.values()) {
            if (b.sessionId().equals(sessionId) && (b.roomId().equals(roomRef) || b.slug().equals(roomRef))) {
                return b;
            }
        }
        return null;
    }

    private void bind(Binding binding) {
        String key = key(binding.roomId(), binding.sessionId());
        String previous = owners.put(key, binding.connectionId());
        if (previous != null && !previous.equals(binding.connectionId())) {
            Map<String, Binding> old = bySocket.get(previous);
            if (old != null) {
                old.remove(key);
            }
        }
        bySocket.computeIfAbsent(binding.connectionId(), c -> new ConcurrentHashMap<>()).put(key, binding);
    }

    private void unbind(String connectionId, String roomId, String sessionId) {
        String key = key(roomId, sessionId);
        owners.remove(key, connectionId);
        Map<String, Binding> sessions = bySocket.get(connectionId);
        if (sessions != null) {
            sessions.remove(key);
        }
    }

    private static String key(String roomId, String sessionId) {
        return roomId + "\n" + sessionId;
    }
}
