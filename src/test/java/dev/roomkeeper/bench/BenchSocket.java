package dev.roomkeeper.bench;

import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One simulated browser tab: a JDK WebSocket that authenticates, joins its room's presence, and then
 * heartbeats, leaves and re-joins, or publishes when the harness tells it to. The JDK socket allows
 * one send in flight, so sends are chained in order; the session id a heartbeat names is read when
 * the heartbeat is queued, so it is always the session the server knows at that point of the stream.
 */
final class BenchSocket implements WebSocket.Listener {

    enum State { CONNECTING, JOINING, READY, CLOSED }

    /**
     * Decides when an authenticated socket sends its first join, which also subscribes it to the room.
     * {@link #done} follows every first join that was sent, however it ended.
     */
    interface FirstJoins {
        void authenticated(BenchSocket socket);

        void done(BenchSocket socket);
    }

    private final int index;
    private final int roomIndex;
    private final String user;
    private final String room;
    private final String token;
    private final String sessionPrefix;
    private final long intervalMs;
    private final LoadStats stats;
    private final Runnable settled;
    private final FirstJoins firstJoins;
    private final AtomicBoolean settledOnce = new AtomicBoolean();
    private final AtomicBoolean firstJoinPending = new AtomicBoolean();
    private final StringBuilder partial = new StringBuilder();

    private volatile State state = State.CONNECTING;
    private volatile boolean cycling;
    private volatile boolean closing;
    private WebSocket socket;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private String sessionId;
    private int generation;
    private long openedAt;
    private long joinSentAt;

    /**
     * @param settled runs once, when the socket is READY or has failed before getting there
     */
    BenchSocket(int index, int roomIndex, String user, String room, String token, String sessionPrefix,
                long intervalMs, LoadStats stats, FirstJoins firstJoins, Runnable settled) {
        this.index = index;
        this.roomIndex = roomIndex;
        this.firstJoins = firstJoins;
        this.user = user;
        this.room = room;
        this.token = token;
        this.sessionPrefix = sessionPrefix;
        this.intervalMs = intervalMs;
        this.stats = stats;
        this.settled = settled;
    }

    int roomIndex() {
        return roomIndex;
    }

    boolean ready() {
        return state == State.READY;
    }

    /** Marks the start of the connection attempt (the connect latency starts here). */
    void connecting() {
        openedAt = stats.now();
    }

    /** The connection attempt failed before the socket opened. */
    void failed(Throwable error) {
        stats.connectFailures.increment();
        stats.closed("connect: " + rootCause(error).getClass().getSimpleName());
        state = State.CLOSED;
        settle();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        synchronized (this) {
            socket = webSocket;
        }
        send(Wire.auth("a", token));
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        long receivedAt = stats.now();
        if (!last || partial.length() > 0) {
            partial.append(data);
            if (last) {
                String whole = partial.toString();
                partial.setLength(0);
                received(whole, receivedAt);
            }
        } else {
            received(data.toString(), receivedAt);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (!closing) {
            stats.closed("server closed " + statusCode + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"));
        }
        state = State.CLOSED;
        firstJoinDone();
        settle();
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        if (!closing) {
            stats.closed("error: " + rootCause(error).getClass().getSimpleName());
        }
        state = State.CLOSED;
        firstJoinDone();
        settle();
    }

    private void received(String frame, long receivedAt) {
        stats.framesIn.increment();
        String type = Wire.type(frame);
        if ("event".equals(type)) {
            String eventType = Wire.eventType(frame);
            stats.event("presence.update".equals(eventType)
                    ? eventType + "/" + Wire.string(frame, "change", Wire.EVENT_PREFIX.length()) : eventType);
            if ("message".equals(eventType)) {
                long sentAt = Wire.messageStamp(frame);
                if (sentAt >= 0) {
                    stats.fanout.recordNanos(receivedAt - sentAt);
                }
            } else if ("presence.join".equals(eventType)) {
                stats.joinSeen(Wire.string(frame, "sessionId", Wire.EVENT_PREFIX.length()), index, receivedAt);
            } else if ("presence.leave".equals(eventType)
                    && "expired".equals(Wire.string(frame, "reason", Wire.EVENT_PREFIX.length()))) {
                stats.expiredSeen(Wire.string(frame, "sessionId", Wire.EVENT_PREFIX.length()));
            }
        } else if ("ack".equals(type)) {
            acknowledged(Wire.string(frame, "id", 0), receivedAt);
        } else if ("welcome".equals(type)) {
            firstJoins.authenticated(this);
        } else if ("error".equals(type)) {
            stats.error(Wire.string(frame, "code", 0));
            String id = Wire.string(frame, "id", 0);
            if (id != null && id.startsWith("j")) {
                joinRefused();
            }
        }
    }

    private void acknowledged(String id, long receivedAt) {
        if (id == null) {
            return;
        }
        if (id.startsWith("j")) {
            if (state == State.JOINING) {
                stats.connect.recordNanos(receivedAt - openedAt);
                state = State.READY;
                firstJoinDone();
                settle();
            } else {
                stats.joinAck.recordNanos(receivedAt - joinSentAt);
                cycling = false;
            }
        } else if (id.startsWith("p")) {
            stats.publishAcks.increment();
        }
    }

    private void joinRefused() {
        if (state == State.JOINING) {
            state = State.CLOSED;
            firstJoinDone();
            settle();
        }
        cycling = false;
    }

    /**
     * Sends the first join (the socket is then subscribed to its room).
     *
     * @return false when the socket closed meanwhile: nothing was sent
     */
    boolean joinFirst() {
        synchronized (this) {
            if (state != State.CONNECTING) {
                return false;
            }
            state = State.JOINING;
            firstJoinPending.set(true);
            sessionId = sessionPrefix + "-" + index + "-0";
            chain(Wire.join("j0", room, sessionId, intervalMs, user), null);
            return true;
        }
    }

    private void firstJoinDone() {
        if (firstJoinPending.compareAndSet(true, false)) {
            firstJoins.done(this);
        }
    }

    /** Queues a heartbeat for the current session; false when the socket is not joined. */
    boolean heartbeat() {
        synchronized (this) {
            if (state != State.READY) {
                return false;
            }
            chain(Wire.heartbeat(room, sessionId), null);
        }
        stats.heartbeats.increment();
        return true;
    }

    /**
     * Leaves the session and joins with a new session id, so that peers see one presence.leave and one
     * presence.join; the join is stamped when it is handed to the socket.
     *
     * @return false when the socket is not joined or its previous cycle has not been acknowledged
     */
    boolean cycle() {
        synchronized (this) {
            if (state != State.READY || cycling) {
                return false;
            }
            cycling = true;
            String previous = sessionId;
            generation++;
            String next = sessionPrefix + "-" + index + "-" + generation;
            sessionId = next;
            chain(Wire.leave("l" + generation, room, previous), null);
            String join = Wire.join("j" + generation, room, next, intervalMs, user);
            chain(join, () -> {
                joinSentAt = stats.now();
                stats.stampJoin(next, index, joinSentAt);
            });
        }
        return true;
    }

    /** Publishes a message stamped with the current time; false when the socket is not joined. */
    boolean publish() {
        synchronized (this) {
            if (state != State.READY) {
                return false;
            }
            chain(Wire.publish("p", room, stats.now()), null);
        }
        stats.publishes.increment();
        return true;
    }

    /** From now on the socket's end is expected: it is not counted as a close or a failure. */
    void closing() {
        closing = true;
    }

    /** Sends a normal close (the server ends the socket's sessions as left). */
    void close() {
        closing = true;
        WebSocket ws;
        synchronized (this) {
            ws = socket;
        }
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").exceptionally(e -> null);
        }
    }

    /** Drops the connection at once, without a close handshake. */
    void abort() {
        closing = true;
        WebSocket ws;
        synchronized (this) {
            ws = socket;
        }
        if (ws != null) {
            ws.abort();
        }
        state = State.CLOSED;
    }

    private void send(String frame) {
        synchronized (this) {
            chain(frame, null);
        }
    }

    /** Call holding this socket's lock: sends after every frame queued before. */
    private void chain(String frame, Runnable justBefore) {
        WebSocket ws = socket;
        tail = tail.thenCompose(ignored -> {
            if (justBefore != null) {
                justBefore.run();
            }
            return ws.sendText(frame, true);
        }).handle((ignored, error) -> {
            if (error != null && !closing) {
                stats.sendFailures.increment();
            }
            return null;
        });
    }

    private void settle() {
        if (settledOnce.compareAndSet(false, true)) {
            settled.run();
        }
    }

    private static Throwable rootCause(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
