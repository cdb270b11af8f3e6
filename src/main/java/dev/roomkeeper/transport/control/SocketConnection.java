package dev.roomkeeper.transport.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.stream.control.EventSink;
import dev.roomkeeper.stream.control.OutboundEvent;
import dev.roomkeeper.stream.control.RoomSubscription;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.transport.entity.CloseCodes;
import dev.roomkeeper.transport.entity.OutboundFrame;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One browser's WebSocket: who it is, the rooms it subscribed to, and an ordered, bounded send queue.
 * Frames go out one at a time with the container's asynchronous send; a client that cannot keep up
 * with its queue limit is closed (1013) rather than allowed to grow the heap.
 */
public final class SocketConnection implements EventSink {

    private static final Logger LOG = Logger.getLogger(SocketConnection.class.getName());

    private final String id;
    private final Session session;
    private final RateLimiter limiter;
    private final SendQueue<Object> sends;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Map<String, RoomSubscription> subscriptions = new ConcurrentHashMap<>();
    /** room id to the filters features set on it, by name (see {@link #filter}) */
    private final Map<String, Map<String, Predicate<RoomEvent>>> filters = new ConcurrentHashMap<>();
    private volatile Caller caller;
    private final long openedAt = System.nanoTime();
    private volatile long lastReceived = openedAt;
    private volatile boolean flooded;
    private final Meters.Counter sendFailures;

    /**
     * @param queueLimit   frames that may wait for the client
     * @param budget       bytes that waiting frames may hold, for this socket and all of the node's
     * @param sendFailures counts the sends that failed (each closes its socket)
     */
    public SocketConnection(String id, Session session, int queueLimit, SendBudget budget, RateLimiter limiter,
                            Meters.Counter sendFailures) {
        this(id, session, queueLimit, budget, limiter, sendFailures, null);
    }

    /**
     * @param raw writes frames framed once per node ({@link TyrusRawFrames}), or null to send every frame as a
     *            string through the standard API
     */
    SocketConnection(String id, Session session, int queueLimit, SendBudget budget, RateLimiter limiter,
                     Meters.Counter sendFailures, TyrusRawFrames raw) {
        this.id = id;
        this.session = session;
        this.limiter = limiter;
        this.sendFailures = sendFailures;
        // items are an event (whose frame every subscriber shares) or a frame of this socket's own; a frame holds
        // about one byte per character (compact strings): frames are mostly ASCII JSON
        SendQueue.Transmit<Object> transmit = raw == null
                ? (item, done) -> sendText(session, text(item), result -> done.accept(result.isOK() ? null : failureOf(result)))
                : new RawTransmit(raw);
        this.sends = new SendQueue<>(queueLimit, item -> text(item).length(), budget, transmit, this::failed);
    }

    /** Writes framed bytes: one frame, or the frames waiting for a socket that fell behind in one write. */
    private record RawTransmit(TyrusRawFrames raw) implements SendQueue.BatchTransmit<Object> {
        @Override
        public void send(Object item, Consumer<Throwable> done) {
            raw.send(ByteBuffer.wrap(wire(item)), done);
        }

        @Override
        public void sendAll(List<Object> items, Consumer<Throwable> done) {
            byte[][] frames = new byte[items.size()][];
            int length = 0;
            for (int i = 0; i < frames.length; i++) {
                frames[i] = wire(items.get(i));
                length += frames[i].length;
            }
            ByteBuffer all = ByteBuffer.allocate(length);
            for (byte[] frame : frames) {
                all.put(frame);
            }
            raw.send(all.flip(), done);
        }

        private static byte[] wire(Object item) {
            return item instanceof OutboundEvent event ? event.wire(WebSocketFraming::text) : WebSocketFraming.text((String) item);
        }
    }

    private static String text(Object item) {
        return item instanceof OutboundEvent event ? event.frame() : (String) item;
    }

    private static void sendText(Session session, String frame, jakarta.websocket.SendHandler handler) {
        session.getAsyncRemote().sendText(frame, handler);
    }

    private static Throwable failureOf(SendResult result) {
        return result.getException() != null ? result.getException() : new IllegalStateException("send failed");
    }

    public String id() {
        return id;
    }

    public Caller caller() {
        return caller;
    }

    /** The socket is (again) authenticated as {@code caller}: the {@code auth} handler's business. */
    public void authenticate(Caller caller) {
        this.caller = caller;
    }

    /** True when the socket follows the room's stream. */
    public boolean follows(String roomId) {
        return subscriptions.containsKey(roomId);
    }

    /** How many rooms the socket follows. */
    public int following() {
        return subscriptions.size();
    }

    RateLimiter limiter() {
        return limiter;
    }

    Map<String, RoomSubscription> subscriptions() {
        return subscriptions;
    }

    long openedAt() {
        return openedAt;
    }

    long lastReceived() {
        return lastReceived;
    }

    /** The client went over the frame rate: its frames are ignored from now on, and the sweep closes it (1008). */
    void flood() {
        flooded = true;
    }

    boolean flooded() {
        return flooded;
    }

    /** A frame arrived (the idle timeout counts from the last one). */
    void touch() {
        lastReceived = System.nanoTime();
    }

    public boolean open() {
        return !closing.get() && session.isOpen();
    }

    @Override
    public boolean send(OutboundEvent event) {
        if (!filters.isEmpty() && !accepts(event.event())) {
            return true; // not wanted here: passed over, and the subscription goes on after it
        }
        return offer(event);
    }

    /**
     * Narrows which events of a room this socket is sent: an event goes out only when every filter set on the room
     * accepts it. A feature sets its own, under its own name, so that a client can observe a subset of that
     * feature's events (room state: the keys under some prefixes) and nothing else changes; {@code null} removes it.
     * Filters stay for the socket's life (across a new {@code subscribe} of the room), and apply to replayed events
     * too. Seqs passed over are never sent: a client sees gaps in the seqs of a narrowed room, by its own request.
     */
    public void filter(String roomId, String name, Predicate<RoomEvent> accept) {
        if (accept == null) {
            filters.computeIfPresent(roomId, (room, named) -> {
                named.remove(name);
                return named.isEmpty() ? null : named;
            });
        } else {
            filters.computeIfAbsent(roomId, room -> new ConcurrentHashMap<>()).put(name, accept);
        }
    }

    private boolean accepts(RoomEvent event) {
        Map<String, Predicate<RoomEvent>> named = filters.get(event.room());
        if (named != null) {
            for (Predicate<RoomEvent> accept : named.values()) {
                if (!accept.test(event)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void resyncRequired(String room, long lastSeq, String epoch) {
        subscriptions.remove(room);
        send(new OutboundFrame.Resync(room, lastSeq, epoch));
    }

    /** Queues a frame (see {@link #enqueue}). */
    public boolean send(OutboundFrame frame) {
        return enqueue(FrameEncoder.encode(frame));
    }

    /** Queues a frame; false (and the connection closing with 1013) when the queue or its budget is full, or closed. */
    public boolean enqueue(String frame) {
        return offer(frame);
    }

    private boolean offer(Object item) {
        if (closing.get()) {
            return false;
        }
        if (!sends.offer(item)) {
            close(CloseCodes.SLOW_CONSUMER, "send queue full: client too slow");
            return false;
        }
        return true;
    }

    /** How many frames wait to be sent. */
    public int backlog() {
        return sends.size();
    }

    /**
     * A send failed: the socket is closed and the failure counted, whatever it was. A send the server could not
     * make (it threw: a frame the container cannot encode, say) closes with 1011; a connection that failed under a
     * send with 1001, as the client is gone anyway. Only this socket is affected: its queue is emptied, others go on.
     */
    private void failed(Throwable e) {
        boolean ours = e instanceof SendQueue.SendThrew;
        if (!closing.get()) {
            sendFailures.inc();
            if (ours) {
                LOG.log(Level.WARNING, e.getCause(), () -> "a send threw on connection " + id + "; closing it with 1011");
            } else {
                LOG.log(Level.FINE, e, () -> "send failed on connection " + id);
            }
        }
        sends.clear();
        close(ours ? CloseCodes.INTERNAL : CloseCodes.GOING_AWAY, "send failed");
    }

    /** True when the server closed this socket (policy, auth, slow consumer, shutdown). */
    public boolean closedByServer() {
        return closing.get();
    }

    /** Closes with a code and reason (reasons are short and documented; never internals). */
    public void close(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "close failed on connection " + id);
        }
    }
}
