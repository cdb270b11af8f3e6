package dev.roomkeeper.watch.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.PlainText;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.Reply;
import dev.roomkeeper.transport.entity.SocketClosed;
import dev.roomkeeper.watch.control.WatchSettings;
import dev.roomkeeper.watch.control.WatchTracker;
import dev.roomkeeper.watch.entity.WatchHeartbeatRequest;
import dev.roomkeeper.watch.entity.WatchRecord;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Watch heartbeats over the socket: {@code watch.heartbeat {room, sessionId, visible, playing?}}. Every member
 * may send them, observers included (they are viewers). A tab's heartbeats name it by {@code sessionId} (a presence
 * session id serves); a socket that closes marks the tabs it reported for hidden at once, so they stop accruing
 * without waiting for the grace.
 */
@ApplicationScoped
public class WatchHandler implements FrameHandler {

    static final String HEARTBEAT = "watch.heartbeat";
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(WatchHandler.class.getName());
    private static final int MAX_ROOM_REF = 128;
    /** Tabs one socket may report for: beyond, the oldest one is no longer hidden when the socket closes. */
    private static final int MAX_TABS_PER_SOCKET = 100;

    @Inject
    RoomAccess access;

    @Inject
    WatchTracker tracker;

    @Inject
    WatchSettings settings;

    @Inject
    Meters metrics;

    private record Tab(String roomId, String userId, String tabId) {
    }

    /** connection id → the tabs it reported for */
    private final Map<String, Set<Tab>> bySocket = new ConcurrentHashMap<>();
    private Meters.Counter heartbeats;

    @PostConstruct
    void init() {
        heartbeats = metrics.counter("roomkeeper.watch.heartbeats", "transport", "websocket");
    }

    @Override
    public Set<String> types() {
        return Set.of(HEARTBEAT);
    }

    @Override
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        List<FieldError> errors = new ArrayList<>();
        String room = string(frame, "room", MAX_ROOM_REF, errors);
        if (room == null && errors.isEmpty() || room != null && !PlainText.isPlain(room)) {
            errors.add(new FieldError("room", "must be a room id or slug of 1 to " + MAX_ROOM_REF + " characters"));
        }
        String sessionId = string(frame, "sessionId", 64, errors);
        Boolean visible = bool(frame, "visible", errors);
        Boolean playing = bool(frame, "playing", errors);
        WatchHeartbeatRequest request = new WatchHeartbeatRequest(sessionId, visible, playing);
        for (FieldError error : request.fieldErrors()) {
            if (errors.stream().noneMatch(e -> e.field().equals(error.field()))) {
                errors.add(error);
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Caller caller = connection.caller();
        Access granted = access.resolve(room, caller);
        WatchRecord record = tracker.heartbeat(granted.roomId(), caller.userId(), sessionId, request.watching());
        heartbeats.inc();
        Set<Tab> tabs = bySocket.computeIfAbsent(connection.id(), c -> ConcurrentHashMap.newKeySet());
        if (tabs.size() < MAX_TABS_PER_SOCKET) {
            tabs.add(new Tab(granted.roomId(), caller.userId(), sessionId));
        }
        if (frame.id() == null) {
            return Reply.none();
        }
        return Reply.ack(JSON.createObjectBuilder().add("room", granted.roomId()).add("seconds", record.seconds())
                .add("active", record.active()).add("interval", settings.heartbeatInterval().toMillis()));
    }

    /** A closed socket's tabs are hidden from now on: they stop accruing at once. */
    void closed(@Observes SocketClosed socket) {
        Set<Tab> tabs = bySocket.remove(socket.connectionId());
        if (tabs == null) {
            return;
        }
        for (Tab tab : tabs) {
            try {
                tracker.heartbeat(tab.roomId(), tab.userId(), tab.tabId(), false);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "could not hide the watch tab of a closed socket");
            }
        }
    }

    private static String string(ClientFrame frame, String field, int max, List<FieldError> errors) {
        JsonValue value = frame.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString text)) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        if (text.getString().isBlank() || text.getString().length() > max) {
            errors.add(new FieldError(field, "must be 1 to " + max + " characters"));
            return null;
        }
        return text.getString();
    }

    private static Boolean bool(ClientFrame frame, String field, List<FieldError> errors) {
        JsonValue value = frame.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value.getValueType() == JsonValue.ValueType.TRUE || value.getValueType() == JsonValue.ValueType.FALSE) {
            return value.getValueType() == JsonValue.ValueType.TRUE;
        }
        errors.add(new FieldError(field, "must be true or false"));
        return null;
    }
}
