package dev.roomkeeper.stream.control;

import dev.roomkeeper.auth.control.InvalidTokenException;
import dev.roomkeeper.auth.control.TokenVerifier;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.stream.entity.CloseCodes;
import dev.roomkeeper.stream.control.Frames.FrameException;
import dev.roomkeeper.stream.entity.Replay;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonException;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.websocket.Session;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket protocol (src/docs/protocol.md): authentication, subscriptions with replay, client
 * publishes and clock sync. The endpoint only hands frames over; the rules live here.
 */
@ApplicationScoped
public class SocketProtocol {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();


    private static final Logger LOG = Logger.getLogger(SocketProtocol.class.getName());
    static final String CONNECTION = "roomkeeper.connection";
    private static final int MAX_ID = 64;
    private static final int MAX_ROOM_REF = 128;

    @Inject
    TokenVerifier tokens;

    @Inject
    RoomAccess access;

    @Inject
    Hub hub;

    @Inject
    RoomEvents events;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Meters metrics;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.max-frame-bytes", defaultValue = "65536")
    int maxFrameBytes;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.rate-per-second", defaultValue = "50")
    double ratePerSecond;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.rate-burst", defaultValue = "100")
    int rateBurst;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.auth-timeout", defaultValue = "PT10S")
    Duration authTimeout;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.idle-timeout", defaultValue = "PT2M")
    Duration idleTimeout;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.max-subscriptions", defaultValue = "100")
    int maxSubscriptions;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.send-queue-limit", defaultValue = "4096")
    int sendQueueLimit;

    @Inject
    @ConfigProperty(name = "roomkeeper.ws.send-queue-bytes", defaultValue = "1048576")
    long sendQueueBytes;

    /** Unset: a quarter of the maximum heap. */
    @Inject
    @ConfigProperty(name = "roomkeeper.ws.send-queue-total-bytes")
    Optional<Long> sendQueueTotalBytes;

    @Inject
    @Any
    Instance<SocketCommands> features;

    private SendBudget sendBudget;

    private final Set<SocketConnection> connections = ConcurrentHashMap.newKeySet();
    private java.util.concurrent.ScheduledFuture<?> sweeper;

    @Inject
    Jobs jobs;
    private final Map<String, SocketCommands> commands = new HashMap<>();
    private Meters.Counter framesIn;
    private Meters.Counter errorsOut;
    /** By error code: a registry lookup builds a MetricID on every call. */
    private final Map<String, Meters.Counter> errorsByCode = new ConcurrentHashMap<>();

    /** Starts with the application, so the socket sweep runs (and shows in liveness) before the first socket. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // touching the bean runs @PostConstruct
        connections.size();
    }

    @PostConstruct
    void init() {
        sendBudget = new SendBudget(sendQueueBytes, sendQueueTotalBytes.orElse(Runtime.getRuntime().maxMemory() / 4));
        metrics.gauge("roomkeeper.ws.connections", connections, Set::size);
        metrics.gauge("roomkeeper.ws.send.queue.bytes", sendBudget, SendBudget::used);
        framesIn = metrics.counter("roomkeeper.ws.frames.received");
        errorsOut = metrics.counter("roomkeeper.ws.errors.sent");
        for (SocketCommands feature : features) {
            for (String type : feature.types()) {
                commands.put(type, feature);
            }
        }
        hub.afterDelivery(this::revokeAccess);
        // through a job: an exception cannot end the task for good, and turns never overlap
        Job sweep = jobs.register("socket-sweep", Duration.ofSeconds(1));
        sweeper = scheduler.scheduleAtFixedRate(() -> sweep.run(this::sweepConnections), 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Access changes announced on a room's stream end subscriptions on every node: a removed member's
     * sockets stop following the room, and a closed room's subscriptions end after {@code room.closed}.
     */
    private void revokeAccess(dev.roomkeeper.stream.entity.RoomEvent event) {
        String removedUser;
        String reason;
        if ("member.removed".equals(event.type())) {
            try (JsonReader reader = JSON.createReader(new StringReader(event.data()))) {
                removedUser = reader.readObject().getString("userId", null);
            }
            if (removedUser == null) {
                return;
            }
            reason = "removed";
        } else if ("room.closed".equals(event.type())) {
            removedUser = null;
            reason = "closed";
        } else {
            return;
        }
        for (SocketConnection connection : connections) {
            Caller caller = connection.caller();
            if (caller == null || (removedUser != null && !removedUser.equals(caller.userId()))) {
                continue;
            }
            RoomSubscription subscription = connection.subscriptions().remove(event.room());
            if (subscription != null) {
                hub.unsubscribe(subscription);
                connection.enqueue(JSON.createObjectBuilder().add("type", "unsubscribed").add("room", event.room())
                        .add("reason", reason).add("time", System.currentTimeMillis()).build().toString());
            }
        }
    }

    public void opened(Session session) {
        SocketConnection connection = new SocketConnection(UUID.randomUUID().toString(), session, sendQueueLimit, sendBudget,
                new RateLimiter(ratePerSecond, rateBurst, System.nanoTime()));
        session.getUserProperties().put(CONNECTION, connection);
        // no container idle timer: Tyrus restarts it on the managed scheduler for every frame in or out,
        // and Payara captures context for each task; one sweep (sweepConnections) enforces all timeouts
        TyrusIdleTimer.disable(session);
        session.setMaxTextMessageBufferSize(maxFrameBytes);
        connections.add(connection);
        List<String> queryToken = session.getRequestParameterMap().get("token");
        if (queryToken != null && !queryToken.isEmpty()) {
            authenticate(connection, queryToken.get(0), null);
        }
    }

    /**
     * Once a second: closes sockets that went over the frame rate (1008), did not authenticate in time
     * (4401), whose token expired (4401) or that sent nothing for the idle timeout (1001). One task for all sockets instead of timers per
     * socket or per frame.
     */
    void sweepConnections() {
        long now = System.nanoTime();
        long authLimit = authTimeout.toNanos();
        long idleLimit = idleTimeout.isZero() ? Long.MAX_VALUE : idleTimeout.toNanos();
        Instant wallNow = Instant.now();
        for (SocketConnection connection : connections) {
            try {
                Caller caller = connection.caller();
                if (connection.flooded()) {
                    connection.close(CloseCodes.POLICY_FLOOD, "rate limit exceeded");
                } else if (caller == null && now - connection.openedAt() > authLimit) {
                    connection.close(CloseCodes.AUTH_FAILED, "authentication timeout");
                } else if (caller != null && caller.expiresAt() != null && !caller.expiresAt().isAfter(wallNow)) {
                    connection.close(CloseCodes.AUTH_FAILED, "token expired");
                } else if (now - connection.lastReceived() > idleLimit) {
                    connection.close(CloseCodes.GOING_AWAY, "idle timeout");
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "sweep failed on connection " + connection.id());
            }
        }
    }

    /**
     * Handles a client frame. What it sends is written once it is handled: a frame may publish in a room,
     * under the room's lock, and the lock should be held for queueing the room's frames, not for writing them.
     */
    public void received(Session session, String text) {
        SendQueue.deferred(() -> handle(session, text));
    }

    private void handle(Session session, String text) {
        SocketConnection connection = connection(session);
        if (connection == null) {
            return;
        }
        framesIn.inc();
        connection.touch();
        if (connection.flooded()) {
            return; // over the limit already: ignored until the sweep closes the socket
        }
        if (!connection.limiter().tryAcquire(System.nanoTime())) {
            // closed by the next sweep, within a second: closing now, with the flood's frames still unread,
            // would make TCP answer with a reset that can overtake the 1008 on its way to the client
            connection.flood();
            return;
        }
        if (text.length() > maxFrameBytes || text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes) {
            connection.close(CloseCodes.TOO_BIG, "frame larger than " + maxFrameBytes + " bytes");
            return;
        }
        JsonObject frame;
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                error(connection, null, "invalid-frame", "A frame must be a JSON object with a \"type\".");
                return;
            }
            frame = value.asJsonObject();
        } catch (JsonException | IllegalStateException e) {
            error(connection, null, "bad-json", "The frame is not valid JSON.");
            return;
        }
        String id;
        String type;
        try {
            id = Frames.optionalString(frame, "id", MAX_ID);
            type = Frames.requiredString(frame, "type", 32);
        } catch (FrameException e) {
            error(connection, null, "invalid-frame", e.getMessage());
            return;
        }
        try {
            if (connection.caller() == null && !"auth".equals(type) && !"ping".equals(type)) {
                connection.close(CloseCodes.AUTH_FAILED, "authenticate first");
                return;
            }
            switch (type) {
                case "auth" -> authenticate(connection, Frames.requiredString(frame, "token", 16_384), id);
                case "ping" -> ping(connection, frame, id);
                case "subscribe" -> subscribe(connection, frame, id);
                case "unsubscribe" -> unsubscribe(connection, frame, id);
                case "publish" -> publish(connection, frame, id);
                default -> {
                    SocketCommands feature = commands.get(type);
                    if (feature == null) {
                        error(connection, id, "unknown-type", "Unknown frame type \"" + type + "\".");
                    } else {
                        feature.handle(connection, type, frame, id);
                    }
                }
            }
        } catch (FrameException e) {
            error(connection, id, "invalid-frame", e.getMessage());
        } catch (ProblemException e) {
            error(connection, id, e.type(), e.getMessage(), e.errors());
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, e, () -> "incident " + incident + " on connection " + connection.id());
            error(connection, id, "internal", "The server failed to handle this frame. Incident " + incident + ".");
        }
    }

    public void binaryReceived(Session session) {
        SocketConnection connection = connection(session);
        if (connection != null) {
            connection.close(CloseCodes.BINARY_NOT_ACCEPTED, "binary frames are not accepted");
        }
    }

    public void closed(Session session, int code) {
        SocketConnection connection = connection(session);
        if (connection == null) {
            return;
        }
        boolean clean = !connection.closedByServer() && (code == CloseCodes.NORMAL || code == CloseCodes.GOING_AWAY);
        connection.close(CloseCodes.NORMAL, "closed");
        for (SocketCommands feature : features) {
            try {
                feature.closed(connection, clean);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "close handling failed on connection " + connection.id());
            }
        }
        connections.remove(connection);
        for (RoomSubscription subscription : connection.subscriptions().values()) {
            hub.unsubscribe(subscription);
        }
        connection.subscriptions().clear();
    }

    public void failed(Session session, Throwable error) {
        SocketConnection connection = connection(session);
        if (connection == null) {
            return;
        }
        if (isTooBig(error)) {
            connection.close(CloseCodes.TOO_BIG, "frame larger than " + maxFrameBytes + " bytes");
        } else {
            LOG.log(Level.FINE, error, () -> "socket error on connection " + connection.id());
            connection.close(CloseCodes.INTERNAL, "socket error");
        }
    }

    /** How many sockets this node holds. */
    public int connections() {
        return connections.size();
    }

    /** Closes every socket, telling clients to reconnect elsewhere (undeploy, shutdown). */
    @PreDestroy
    public void closeAll() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        for (SocketConnection connection : connections) {
            connection.close(CloseCodes.GOING_AWAY, "server shutting down");
        }
    }

    private void authenticate(SocketConnection connection, String token, String id) {
        Caller caller;
        try {
            caller = tokens.verify(token);
        } catch (InvalidTokenException e) {
            connection.close(CloseCodes.AUTH_FAILED, "invalid token: " + e.reason().code());
            return;
        }
        Caller previous = connection.caller();
        if (previous != null && !previous.userId().equals(caller.userId())) {
            error(connection, id, "unauthorized", "A connection stays with one user; open a new socket for another.");
            return;
        }
        connection.caller(caller);
        JsonObjectBuilder welcome = JSON.createObjectBuilder()
                .add("type", "welcome");
        if (id != null) {
            welcome.add("id", id);
        }
        welcome.add("connectionId", connection.id())
                .add("user", JSON.createObjectBuilder().add("id", caller.userId()).add("name", caller.name()))
                .add("time", System.currentTimeMillis())
                .add("limits", JSON.createObjectBuilder()
                        .add("maxFrameBytes", maxFrameBytes)
                        .add("ratePerSecond", ratePerSecond)
                        .add("rateBurst", rateBurst)
                        .add("maxSubscriptions", maxSubscriptions)
                        .add("idleTimeoutSeconds", idleTimeout.toSeconds()));
        if (caller.expiresAt() != null) {
            welcome.add("expiresAt", caller.expiresAt().toEpochMilli());
        }
        connection.enqueue(welcome.build().toString());
    }

    private void ping(SocketConnection connection, JsonObject frame, String id) {
        JsonObjectBuilder pong = JSON.createObjectBuilder().add("type", "pong");
        if (id != null) {
            pong.add("id", id);
        }
        pong.add("time", System.currentTimeMillis());
        JsonValue clientTime = frame.get("clientTime");
        if (clientTime instanceof JsonNumber number) {
            pong.add("clientTime", number);
        }
        connection.enqueue(pong.build().toString());
    }

    private void subscribe(SocketConnection connection, JsonObject frame, String id) {
        String roomRef = Frames.requiredString(frame, "room", MAX_ROOM_REF);
        Long since = Frames.optionalSeq(frame, "since");
        String epoch = Frames.optionalString(frame, "epoch", 64);
        Access granted = access.resolve(roomRef, connection.caller());
        RoomSubscription existing = connection.subscriptions().remove(granted.roomId());
        if (existing != null) {
            hub.unsubscribe(existing);
        } else if (connection.subscriptions().size() >= maxSubscriptions) {
            error(connection, id, "too-many-subscriptions",
                    "A connection may subscribe to at most " + maxSubscriptions + " rooms.");
            return;
        }
        subscribeTo(connection, granted.roomId(), since, epoch, replay -> connection.enqueue(subscribed(id, granted, replay, since)));
    }

    /**
     * Subscribes the socket to a room (replacing nothing: call only when not subscribed) and registers it
     * with the connection; {@code beforeEvents} sends the reply that must precede the room's events.
     */
    public void subscribeTo(SocketConnection connection, String roomId, Long since, String epoch,
                            Consumer<Replay> beforeEvents) {
        RoomSubscription subscription = hub.subscribe(roomId, connection, since, epoch, beforeEvents);
        connection.subscriptions().put(roomId, subscription);
        if (!connection.open()) {
            // closed while subscribing: do not leave the subscription behind
            hub.unsubscribe(subscription);
            connection.subscriptions().remove(roomId);
        }
    }

    /** True when the socket follows the room's stream. */
    public boolean subscribed(SocketConnection connection, String roomId) {
        return connection.subscriptions().containsKey(roomId);
    }

    private static String subscribed(String id, Access granted, Replay replay, Long since) {
        JsonObjectBuilder ack = JSON.createObjectBuilder().add("type", "ack");
        if (id != null) {
            ack.add("id", id);
        }
        return ack.add("time", System.currentTimeMillis())
                .add("result", JSON.createObjectBuilder()
                        .add("room", granted.roomId())
                        .add("slug", granted.slug())
                        .add("role", granted.role().wireName())
                        .add("epoch", replay.epoch())
                        .add("seq", replay.seq())
                        .add("recovered", replay.recovered())
                        .add("snapshotRequired", !replay.recovered())
                        .add("replayed", replay.events().size()))
                .build().toString();
    }

    private void unsubscribe(SocketConnection connection, JsonObject frame, String id) {
        String roomRef = Frames.requiredString(frame, "room", MAX_ROOM_REF);
        RoomSubscription subscription = connection.subscriptions().remove(roomRef);
        if (subscription == null) {
            // the client may name the room by slug
            try {
                subscription = connection.subscriptions().remove(access.resolve(roomRef, connection.caller()).roomId());
            } catch (ProblemException e) {
                subscription = null;
            }
        }
        if (subscription == null) {
            error(connection, id, "not-subscribed", "This connection is not subscribed to that room.");
            return;
        }
        hub.unsubscribe(subscription);
        connection.enqueue(ack(id, JSON.createObjectBuilder().add("room", subscription.room())));
    }

    private void publish(SocketConnection connection, JsonObject frame, String id) {
        String roomRef = Frames.requiredString(frame, "room", MAX_ROOM_REF);
        JsonValue data = frame.get("data");
        if (data == null || data.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new FrameException("\"data\" must be a JSON object.");
        }
        Access granted = access.resolve(roomRef, connection.caller());
        if (!granted.role().canPublish()) {
            error(connection, id, "forbidden", "Observers cannot publish in this room.");
            return;
        }
        Caller caller = connection.caller();
        JsonObject message = JSON.createObjectBuilder()
                .add("from", JSON.createObjectBuilder().add("userId", caller.userId()).add("name", caller.name()))
                .add("body", data)
                .build();
        var event = events.publish(granted.roomId(), "message", message);
        connection.enqueue(ack(id, JSON.createObjectBuilder().add("room", granted.roomId()).add("seq", event.seq())));
    }

    /** Sends {@code {"type":"ack","id":..,"time":..,"result":{..}}}. */
    public void ack(SocketConnection connection, String id, JsonObjectBuilder result) {
        connection.enqueue(ack(id, result));
    }

    private String ack(String id, JsonObjectBuilder result) {
        JsonObjectBuilder ack = JSON.createObjectBuilder().add("type", "ack");
        if (id != null) {
            ack.add("id", id);
        }
        return ack.add("time", System.currentTimeMillis()).add("result", result).build().toString();
    }

    /** Sends an error frame; the socket stays open. */
    public void error(SocketConnection connection, String id, String code, String message) {
        error(connection, id, code, message, List.of());
    }

    /**
     * Sends an error frame that lists the invalid fields (as a REST validation problem does), when there
     * are any; the socket stays open.
     */
    public void error(SocketConnection connection, String id, String code, String message, List<FieldError> fields) {
        errorsOut.inc();
        errorsByCode.computeIfAbsent(code, c -> metrics.counter("roomkeeper.ws.errors", "code", c)).inc();
        JsonObjectBuilder error = JSON.createObjectBuilder().add("type", "error");
        if (id != null) {
            error.add("id", id);
        }
        error.add("code", code).add("message", message);
        if (!fields.isEmpty()) {
            JsonArrayBuilder errors = JSON.createArrayBuilder();
            fields.forEach(f -> errors.add(JSON.createObjectBuilder().add("field", f.field()).add("message", f.message())));
            error.add("errors", errors);
        }
        connection.enqueue(error.add("time", System.currentTimeMillis()).build().toString());
    }

    private static SocketConnection connection(Session session) {
        return (SocketConnection) session.getUserProperties().get(CONNECTION);
    }

    private static boolean isTooBig(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.contains("MessageTooBig") || name.contains("TooBig")) {
                return true;
            }
        }
        return false;
    }

}
