package dev.roomkeeper.transport.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.control.StrictJsonReader;
import dev.roomkeeper.platform.entity.JsonString;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.CloseCodes;
import dev.roomkeeper.transport.entity.FrameException;
import dev.roomkeeper.transport.entity.OutboundFrame;
import dev.roomkeeper.transport.entity.Reply;
import dev.roomkeeper.transport.entity.SocketClosed;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.Session;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket core (src/docs/protocol.md): turns a client's text into a {@link ClientFrame}, enforces what
 * every frame owes (size, rate, authentication first), hands it to the {@link FrameHandler} that claims its type,
 * and carries out the handler's {@link Reply}. It knows frames, never features: the core's own frame types
 * (auth, ping, subscribe, unsubscribe, publish) are handlers like a feature's, and a new frame type is a new
 * handler, never an edit here.
 */
@ApplicationScoped
public class SocketDispatcher {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(SocketDispatcher.class.getName());
    static final String CONNECTION = "roomkeeper.connection";
    private static final int MAX_ID = 64;
    private static final int MAX_TYPE = 32;

    @Inject
    SocketRegistry registry;

    @Inject
    SocketSubscriptions subscriptions;

    @Inject
    @Any
    Instance<FrameHandler> handlers;

    @Inject
    Event<SocketClosed> closedSockets;

    @Inject
    Meters metrics;

    @Inject
    StrictJsonReader json;

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
    @ConfigProperty(name = "roomkeeper.ws.send-queue-limit", defaultValue = "4096")
    int sendQueueLimit;

    /** Frame each event once per node and hand the bytes to every socket, where the container allows it (Tyrus). */
    @Inject
    @ConfigProperty(name = "roomkeeper.ws.shared-frames", defaultValue = "true")
    boolean sharedFrames;

    private final Map<String, FrameHandler> byType = new HashMap<>();
    private Meters.Counter framesIn;
    private Meters.Counter errorsOut;
    private Meters.Counter sendFailures;
    /** By error code: a registry lookup builds a MetricID on every call. */
    private final Map<String, Meters.Counter> errorsByCode = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        framesIn = metrics.counter("roomkeeper.ws.frames.received");
        errorsOut = metrics.counter("roomkeeper.ws.errors.sent");
        sendFailures = metrics.counter("roomkeeper.ws.send.failures");
        for (FrameHandler handler : handlers) {
            for (String type : handler.types()) {
                FrameHandler other = byType.put(type, handler);
                if (other != null) {
                    throw new IllegalStateException("frame type " + type + " is claimed by " + name(other) + " and "
                            + name(handler));
                }
            }
        }
        LOG.fine(() -> "frame types: " + new java.util.TreeSet<>(byType.keySet()));
    }

    /** A socket opened: registered, and authenticated at once when its URL carries {@code ?token=}. */
    public void opened(Session session) {
        SocketConnection connection = new SocketConnection(UUID.randomUUID().toString(), session, sendQueueLimit,
                registry.sendBudget(), new RateLimiter(ratePerSecond, rateBurst, System.nanoTime()), sendFailures,
                sharedFrames ? TyrusRawFrames.of(session) : null);
        session.getUserProperties().put(CONNECTION, connection);
        // no container idle timer: Tyrus restarts it on the managed scheduler for every frame in or out,
        // and Payara captures context for each task; the registry's one sweep enforces all timeouts
        TyrusIdleTimer.disable(session);
        session.setMaxTextMessageBufferSize(maxFrameBytes);
        registry.add(connection);
        List<String> queryToken = session.getRequestParameterMap().get("token");
        if (queryToken != null && !queryToken.isEmpty()) {
            SendQueue.deferred(() -> dispatch(connection, new ClientFrame("auth", null,
                    JSON.createObjectBuilder().add("type", "auth").add("token", queryToken.get(0)).build())));
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
        JsonObject body;
        try {
            JsonValue value = json.read(text);
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                refuse(connection, null, "invalid-frame", "A frame must be a JSON object with a \"type\".", List.of());
                return;
            }
            body = value.asJsonObject();
        } catch (StrictJsonReader.Refused e) {
            refuse(connection, idOf(text, e), "bad-json", e.getMessage(), List.of());
            return;
        }
        ClientFrame frame;
        try {
            String id = ClientFrame.optionalString(body, "id", MAX_ID);
            String type = ClientFrame.optionalString(body, "type", MAX_TYPE);
            if (type == null || type.isBlank()) {
                throw new FrameException("\"type\" is required.");
            }
            frame = new ClientFrame(type, id, body);
        } catch (FrameException e) {
            refuse(connection, null, "invalid-frame", e.getMessage(), List.of());
            return;
        }
        dispatch(connection, frame);
    }

    private void dispatch(SocketConnection connection, ClientFrame frame) {
        FrameHandler handler = byType.get(frame.type());
        if (connection.caller() == null && (handler == null || !handler.beforeAuthentication())) {
            connection.close(CloseCodes.AUTH_FAILED, "authenticate first");
            return;
        }
        if (handler == null) {
            refuse(connection, frame.id(), "unknown-type", "Unknown frame type \"" + frame.type() + "\".", List.of());
            return;
        }
        try {
            carryOut(connection, frame, handler.handle(connection, frame));
        } catch (FrameException e) {
            refuse(connection, frame.id(), "invalid-frame", e.getMessage(), List.of());
        } catch (ProblemException e) {
            refuse(connection, frame.id(), e.type(), e.getMessage(), e.errors(), e.extensions());
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, e, () -> "incident " + incident + " on connection " + connection.id());
            refuse(connection, frame.id(), "internal", "The server failed to handle this frame. Incident " + incident + ".",
                    List.of());
        }
    }

    private void carryOut(SocketConnection connection, ClientFrame frame, Reply reply) {
        if (reply instanceof Reply.Ack ack) {
            connection.send(new OutboundFrame.Ack(frame.id(), System.currentTimeMillis(), ack.result()));
        } else if (reply instanceof Reply.Refused refused) {
            refuse(connection, frame.id(), refused.code(), refused.message(), refused.errors());
        } else if (reply instanceof Reply.Send send) {
            connection.send(send.frame());
        } else if (reply instanceof Reply.Follow follow) {
            subscriptions.follow(connection, follow.roomId(), follow.since(), follow.epoch(), replay -> connection.send(
                    new OutboundFrame.Ack(frame.id(), System.currentTimeMillis(), follow.result().apply(replay))));
        } else if (reply instanceof Reply.Close close) {
            connection.close(close.code(), close.reason());
        }
        // Reply.None: nothing to send
    }

    public void binaryReceived(Session session) {
        SocketConnection connection = connection(session);
        if (connection != null) {
            connection.close(CloseCodes.BINARY_NOT_ACCEPTED, "binary frames are not accepted");
        }
    }

    /** A socket closed: its subscriptions end, and features hear of it ({@link SocketClosed}). */
    public void closed(Session session, int code) {
        SocketConnection connection = connection(session);
        if (connection == null) {
            return;
        }
        boolean clean = !connection.closedByServer() && (code == CloseCodes.NORMAL || code == CloseCodes.GOING_AWAY);
        connection.close(CloseCodes.NORMAL, "closed");
        Caller caller = connection.caller();
        try {
            closedSockets.fire(new SocketClosed(connection.id(), caller == null ? null : caller.userId(), clean));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "close handling failed on connection " + connection.id());
        }
        registry.remove(connection);
        subscriptions.unfollowAll(connection);
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

    /**
     * The {@code id} of a refused frame, for the error to echo, when the frame names one plainly: read leniently,
     * as the frame could not be read strictly; none when {@code id} itself is what was wrong (given twice).
     */
    private static String idOf(String text, StrictJsonReader.Refused refused) {
        if (refused.refusal() == StrictJsonReader.Refusal.DUPLICATE_NAME && "id".equals(refused.name())) {
            return null;
        }
        if (refused.topLevelId() != null) {
            String id = refused.topLevelId();
            return id.length() <= MAX_ID && JsonString.wellFormed(id) ? id : null;
        }
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            JsonValue id = value.getValueType() == JsonValue.ValueType.OBJECT ? value.asJsonObject().get("id") : null;
            if (id instanceof jakarta.json.JsonString string && string.getString().length() <= MAX_ID
                    && JsonString.wellFormed(string.getString())) {
                return string.getString();
            }
            return null;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** What a welcome announces. */
    public OutboundFrame.Limits limits() {
        return new OutboundFrame.Limits(maxFrameBytes, ratePerSecond, rateBurst, subscriptions.maxSubscriptions(),
                registry.idleTimeout().toSeconds());
    }

    /** Sends an error frame, counted by code; the socket stays open. */
    private void refuse(SocketConnection connection, String id, String code, String message, List<FieldError> fields) {
        refuse(connection, id, code, message, fields, null);
    }

    /** As above, with a problem's extension members beside code and message. */
    private void refuse(SocketConnection connection, String id, String code, String message, List<FieldError> fields,
                        jakarta.json.JsonObject extensions) {
        errorsOut.inc();
        errorsByCode.computeIfAbsent(code, c -> metrics.counter("roomkeeper.ws.errors", "code", c)).inc();
        connection.send(new OutboundFrame.Error(id, code, message, fields, System.currentTimeMillis(), extensions));
    }

    private static SocketConnection connection(Session session) {
        return (SocketConnection) session.getUserProperties().get(CONNECTION);
    }

    private static String name(FrameHandler handler) {
        String name = handler.getClass().getName();
        int proxy = name.indexOf('$');
        return proxy > 0 ? name.substring(0, proxy) : name;
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
