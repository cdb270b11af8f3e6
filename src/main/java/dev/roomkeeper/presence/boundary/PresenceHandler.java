package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.presence.control.ParsedMetadata;
import dev.roomkeeper.presence.control.PresenceMetadata;
import dev.roomkeeper.presence.control.PresenceRegistry;
import dev.roomkeeper.presence.entity.HeartbeatRequest;
import dev.roomkeeper.presence.entity.Joined;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.FrameException;
import dev.roomkeeper.transport.entity.Reply;
import dev.roomkeeper.transport.entity.SocketClosed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presence over the socket: the frame types {@code presence.join}, {@code .heartbeat}, {@code .update},
 * {@code .leave}. Remembers which sessions each socket carries, so a clean close ends them and a dropped socket
 * leaves them reconnecting for the grace period ({@link SocketClosed}).
 */
@ApplicationScoped
public class PresenceHandler implements FrameHandler {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();


    private static final int MAX_ROOM_REF = 128;
    private static final int MAX_SESSION_ID = 64;
    private static final int MAX_RESUME_TOKEN = 2048;
    private static final long MAX_INTERVAL_MS = 3_600_000;

    @Inject
    ParsedMetadata metadata;

    @Inject
    PresenceRegistry registry;

    @Inject
    RoomAccess access;

    /**
     * One session carried by a socket, with the room stream's epoch when it joined and the metadata its client last
     * gave (null: the defaults), so that a session the engine loses with its data can be restored as it was.
     */
    record Binding(String roomId, String slug, String userId, String sessionId, Duration interval, String connectionId,
                   String epoch, JsonObject meta) {

        Binding withMeta(JsonObject newMeta) {
            return new Binding(roomId, slug, userId, sessionId, interval, connectionId, epoch, newMeta);
        }

        Binding withEpoch(String newEpoch) {
            return new Binding(roomId, slug, userId, sessionId, interval, connectionId, newEpoch, meta);
        }
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
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        Caller caller = connection.caller();
        Fields fields = fields(frame);
        String roomRef = fields.room();
        String sessionId = fields.sessionId();
        return switch (frame.type()) {
            case "presence.join" -> join(connection, caller, fields);
            case "presence.heartbeat" -> heartbeat(connection, caller, roomRef, sessionId, frame.id());
            case "presence.update" -> {
                registry.update(caller, roomRef, sessionId, fields.meta());
                Binding updated = binding(connection.id(), roomRef, sessionId);
                if (updated != null) {
                    rebind(updated.withMeta(fields.meta()));
                }
                yield Reply.ack(JSON.createObjectBuilder().add("sessionId", sessionId));
            }
            case "presence.leave" -> {
                String roomId = access.resolve(roomRef, caller).roomId();
                unbind(connection.id(), roomId, sessionId);
                registry.leave(roomId, caller.userId(), sessionId);
                yield Reply.ack(JSON.createObjectBuilder().add("room", roomId).add("sessionId", sessionId));
            }
            default -> throw new IllegalStateException(frame.type());
        };
    }

    /** The fields of a presence frame, all valid. */
    record Fields(String room, String sessionId, Long interval, JsonObject meta, String resumeToken) {
    }

    /**
     * Reads a presence frame's fields and refuses it ({@code validation}) listing <em>every</em> invalid one, by the
     * rules and with the messages of an HTTP heartbeat: {@code room}, {@code sessionId}, {@code interval} (join),
     * {@code meta} and each of its fields (join; required by update), {@code resumeToken} (join).
     */
    static Fields fields(ClientFrame frame) {
        List<FieldError> errors = new ArrayList<>();
        boolean join = frame.type().equals("presence.join");
        String room = string(frame, "room", MAX_ROOM_REF, errors);
        String sessionId = string(frame, "sessionId", MAX_SESSION_ID, errors);
        Long interval = null;
        if (join) {
            try {
                interval = frame.optionalLong("interval", 1, MAX_INTERVAL_MS);
            } catch (FrameException e) {
                errors.add(new FieldError("interval", "must be a whole number of ms from 1 to " + MAX_INTERVAL_MS));
            }
        }
        JsonObject meta = null;
        if (join || frame.type().equals("presence.update")) {
            JsonValue given = frame.get("meta");
            if (given != null && given != JsonValue.NULL) {
                if (given.getValueType() == JsonValue.ValueType.OBJECT) {
                    meta = given.asJsonObject();
                    errors.addAll(PresenceMetadata.fieldErrors(meta));
                } else {
                    errors.add(new FieldError("meta", "must be a JSON object"));
                }
            } else if (!join) {
                errors.add(new FieldError("meta", "is required: the session's metadata as a JSON object"));
            }
        }
        String resumeToken = join ? string(frame, "resumeToken", MAX_RESUME_TOKEN, errors) : null;
        Set<String> named = new HashSet<>();
        errors.forEach(e -> named.add(e.field()));
        // the HTTP heartbeat's rules for what was given as strings: missing, blank, too long, not a session id
        for (FieldError error : new HeartbeatRequest(room, sessionId, interval, null).fieldErrors()) {
            if (named.add(error.field())) {
                errors.add(error);
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(FieldError::field));
            throw ProblemException.invalid(errors);
        }
        return new Fields(room, sessionId, interval, meta, resumeToken);
    }

    /** A string field as sent; null, with an error, when it is not a string or longer than {@code max}. */
    private static String string(ClientFrame frame, String field, int max, List<FieldError> errors) {
        JsonValue value = frame.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString text)) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        if (text.getString().length() > max) {
            errors.add(new FieldError(field, "must be at most " + max + " characters"));
            return null;
        }
        return text.getString();
    }

    private Reply join(SocketConnection connection, Caller caller, Fields fields) {
        String sessionId = fields.sessionId();
        JsonObject meta = fields.meta();
        Joined joined = registry.join(caller, fields.room(), sessionId, fields.interval(), meta, fields.resumeToken());
        String roomId = joined.access().roomId();
        Binding before = binding(connection.id(), roomId, sessionId);
        JsonObject kept = meta != null ? meta : before == null ? null : before.meta(); // a refresh keeps the metadata
        bind(new Binding(roomId, joined.access().slug(), caller.userId(), sessionId, joined.interval(), connection.id(),
                joined.snapshot().epoch(), kept));
        JsonObjectBuilder result = JSON.createObjectBuilder()
                .add("room", roomId)
                .add("slug", joined.access().slug())
                .add("role", joined.access().role().wireName())
                .add("sessionId", sessionId)
                .add("interval", joined.interval().toMillis())
                .add("sessionToken", joined.sessionToken())
                .add("resumeToken", joined.sessionToken())
                .add("roomToken", joined.roomToken())
                .add("snapshot", PresenceView.json(PresenceView.of(joined.snapshot(), metadata)));
        if (connection.follows(roomId)) {
            return Reply.ack(result);
        }
        // follow the room from the snapshot on: the ack, then every event after the snapshot's seq
        return Reply.follow(roomId, joined.snapshot().seq(), joined.snapshot().epoch(),
                replay -> result.add("subscribed", true).build());
    }

    /**
     * Keeps alive a session this socket joined (or resumed), at the interval granted then. Any other
     * socket is refused and changes nothing: it would not know the interval, and the session must not
     * move to a socket whose close would then end it.
     */
    private Reply heartbeat(SocketConnection connection, Caller caller, String roomRef, String sessionId, String id) {
        Binding binding = binding(connection.id(), roomRef, sessionId);
        if (binding == null) {
            // a session that has ended (left, expired, removed) is expired whoever asks; a live one belongs to its socket
            if (!registry.lists(access.resolve(roomRef, caller).roomId(), caller.userId(), sessionId)) {
                return Reply.refuse("presence-expired",
                        "This presence session has ended (expired, left or removed); join again.");
            }
            return Reply.refuse("presence-not-joined",
                    "This socket has not joined this presence session; send presence.join (with the resumeToken to resume it).");
        }
        if (!registry.heartbeat(binding.roomId(), caller.userId(), sessionId, binding.interval())) {
            var restored = registry.restoreLost(caller, binding.roomId(), sessionId, binding.interval(), binding.epoch(),
                    binding.meta());
            if (restored.isPresent()) {
                rebind(binding.withEpoch(restored.get()));
                return id == null ? Reply.none()
                        : Reply.ack(JSON.createObjectBuilder().add("interval", binding.interval().toMillis()).add("restored", true));
            }
            unbind(connection.id(), binding.roomId(), sessionId);
            return Reply.refuse("presence-expired",
                    "This presence session has ended (expired, left or removed); join again.");
        }
        return id == null ? Reply.none() : Reply.ack(JSON.createObjectBuilder().add("interval", binding.interval().toMillis()));
    }

    /** A socket closed: a clean close ends the sessions it carries; a dropped one leaves them reconnecting. */
    void closed(@Observes SocketClosed socket) {
        Map<String, Binding> sessions = bySocket.remove(socket.connectionId());
        if (sessions == null) {
            return;
        }
        for (Binding b : sessions.values()) {
            String key = key(b.roomId(), b.sessionId());
            // a session that already moved to another socket (resumed there) is not this socket's to end
            if (!owners.remove(key, socket.connectionId())) {
                continue;
            }
            if (socket.clean()) {
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

    /** Replaces a binding this socket still holds (a session that moved to another socket stays there). */
    private void rebind(Binding binding) {
        Map<String, Binding> sessions = bySocket.get(binding.connectionId());
        if (sessions != null) {
            sessions.replace(key(binding.roomId(), binding.sessionId()), binding);
        }
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
