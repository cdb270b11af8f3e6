package dev.roomkeeper.faults;

import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client following one room on a socket of its own, as a browser tab does: it subscribes, may join presence and
 * heartbeat, and answers a {@code resync} by subscribing again from seq 0 (with the epoch the resync names, if any),
 * retrying while the server refuses. One thread of its own reads every frame and sends every command, so the socket
 * is never written from two threads.
 * <p>
 * It records what a user would see: every event of the room, each {@code message} by its marker ({@code data.m} of
 * the published body) with the seq and epoch it came with, each resync, and every breach of the stream's promise
 * within one subscription — a seq that goes back or skips without a resync. A seq that goes back to 1 is a new epoch
 * starting (events may name their epoch; if they do, a changed epoch is one too).
 */
final class RoomFollower implements AutoCloseable {

    /** A {@code message} event as this client received it. */
    record Delivery(String marker, long seq, String epoch, long atMillis) {
    }

    /** A {@code resync} frame and when it came. */
    record Resync(JsonObject frame, long atMillis) {
    }

    private static final Duration POLL = Duration.ofMillis(50);

    private final String name;
    private final String user;
    private final String room;
    private final WsClient ws;
    private final String sessionId;
    private final long intervalMillis;
    private final JsonObject joinAck;
    private final Thread thread;
    private volatile boolean running = true;

    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private final Map<String, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
    private final List<JsonObject> events = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, List<Delivery>> deliveries = new ConcurrentHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    private final List<Resync> resyncs = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonObject> heartbeatErrors = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> epochChanges = Collections.synchronizedList(new ArrayList<>());

    // owned by the thread (and by the constructor before it starts)
    private String epoch;
    private long lastSeq;
    private boolean subscribed;
    private int subscribes;
    private Long askedSince;
    private String askedEpoch;
    private long resubscribeAt = Long.MAX_VALUE;
    private long nextHeartbeat = Long.MAX_VALUE;
    private int heartbeats;

    private RoomFollower(String name, PayaraNode node, String user, String room, String sessionId, long intervalMillis) {
        this.name = name;
        this.user = user;
        this.room = room;
        this.sessionId = sessionId;
        this.intervalMillis = intervalMillis;
        this.ws = WsClient.authenticated(node.ws(), Fixtures.token(user));
        JsonObject ack = ws.send(Fixtures.subscribe(room, "sub-0")).reply("sub-0");
        assertEquals("ack", ack.getString("type"), () -> name + " could not subscribe: " + ack);
        onSubscribeReply(ack);
        if (sessionId != null) {
            JsonObject joined = ws.send(Fixtures.presenceJoin(room, "join", sessionId, intervalMillis, null)).reply("join");
            assertEquals("ack", joined.getString("type"), () -> name + " could not join presence: " + joined);
            this.joinAck = joined;
            nextHeartbeat = System.currentTimeMillis() + intervalMillis;
        } else {
            this.joinAck = null;
        }
        thread = new Thread(this::run, "follower-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Subscribes {@code user} to {@code room} on {@code node}, without presence. */
    static RoomFollower subscribe(String name, PayaraNode node, String user, String room) {
        return new RoomFollower(name, node, user, room, null, 0);
    }

    /** Subscribes, then joins presence with session {@code sessionId} and heartbeats every {@code intervalMillis}. */
    static RoomFollower present(String name, PayaraNode node, String user, String room, String sessionId, long intervalMillis) {
        return new RoomFollower(name, node, user, room, sessionId, intervalMillis);
    }

    String name() {
        return name;
    }

    String user() {
        return user;
    }

    String sessionId() {
        return sessionId;
    }

    /** The ack of the presence join (session, resume and room tokens, snapshot), or null without presence. */
    JsonObject joinAck() {
        return joinAck;
    }

    /** Sends a command with an {@code id} from the client's thread; the future completes with its reply. */
    CompletableFuture<JsonObject> request(String id, String frame) {
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        replies.put(id, reply);
        commands.add(new Command(frame, id));
        return reply;
    }

    /** Drops the connection without a close frame, as a crashed tab or a lost network does. */
    void abort() {
        running = false;
        ws.abort();
    }

    boolean closedByServer() {
        return ws.isClosed();
    }

    /** The markers delivered so far, each with every delivery. */
    Map<String, List<Delivery>> deliveries() {
        Map<String, List<Delivery>> copy = new HashMap<>();
        deliveries.forEach((k, v) -> {
            synchronized (v) {
                copy.put(k, List.copyOf(v));
            }
        });
        return copy;
    }

    List<Delivery> deliveriesOf(String marker) {
        List<Delivery> list = deliveries.get(marker);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    List<JsonObject> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Room events of this type (any when null) whose {@code data.userId} is {@code userId} (anyone when null). */
    List<JsonObject> events(String type, String userId) {
        return events().stream().filter(about(type, userId)).toList();
    }

    /** Waits up to {@code window} for an event matching the filter, in those seen so far or arriving. */
    Optional<JsonObject> awaitEvent(Duration window, Predicate<JsonObject> filter) {
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            Optional<JsonObject> found = events().stream().filter(filter).findFirst();
            if (found.isPresent() || System.nanoTime() > deadline) {
                return found;
            }
            try {
                Thread.sleep(POLL.toMillis()); // polling what the client thread records, until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    static Predicate<JsonObject> about(String type, String userId) {
        return e -> (type == null || type.equals(e.getString("type")))
                && (userId == null || (e.get("data") instanceof JsonObject data && userId.equals(data.getString("userId", null))));
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    List<String> notes() {
        synchronized (notes) {
            return List.copyOf(notes);
        }
    }

    List<Resync> resyncs() {
        synchronized (resyncs) {
            return List.copyOf(resyncs);
        }
    }

    List<JsonObject> heartbeatErrors() {
        synchronized (heartbeatErrors) {
            return List.copyOf(heartbeatErrors);
        }
    }

    /** When (epoch ms) this client saw the stream start a new epoch without a resync. */
    List<Long> epochChanges() {
        synchronized (epochChanges) {
            return List.copyOf(epochChanges);
        }
    }

    synchronized String state() {
        return name + "{epoch=" + epoch + ", lastSeq=" + lastSeq + ", subscribed=" + subscribed + ", resyncs="
                + resyncs.size() + ", markers=" + deliveries.size() + ", violations=" + violations() + ", notes="
                + notes() + "}";
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ws.close();
    }

    // ---- the client's thread ----

    private void run() {
        while (running) {
            try {
                step();
            } catch (RuntimeException e) {
                if (running && !ws.isClosed()) {
                    notes.add("client error: " + e);
                }
                if (ws.isClosed()) {
                    return;
                }
            }
        }
    }

    private void step() {
        Command command;
        while ((command = commands.poll()) != null) {
            ws.send(command.frame());
        }
        long now = System.currentTimeMillis();
        if (sessionId != null && now >= nextHeartbeat) {
            nextHeartbeat = now + intervalMillis;
            ws.send("{\"type\":\"presence.heartbeat\",\"id\":\"hb-" + (++heartbeats) + "\",\"room\":\"" + room
                    + "\",\"sessionId\":\"" + sessionId + "\"}");
        }
        if (now >= resubscribeAt) {
            resubscribeAt = Long.MAX_VALUE;
            sendSubscribe(askedSince, askedEpoch);
        }
        ws.awaitWithin(POLL, f -> true).ifPresent(this::handle);
    }

    private void handle(JsonObject frame) {
        String type = frame.getString("type", "");
        String id = frame.getString("id", null);
        switch (type) {
            case "event" -> onEvent(frame.getJsonObject("event"));
            case "resync" -> {
                if (room.equals(frame.getString("room", null))) {
                    onResync(frame);
                }
            }
            case "ack", "error" -> {
                if (id != null && id.startsWith("sub-")) {
                    onSubscribeReply(frame);
                } else if (id != null && id.startsWith("hb-") && "error".equals(type)) {
                    heartbeatErrors.add(frame);
                }
                CompletableFuture<JsonObject> reply = id == null ? null : replies.remove(id);
                if (reply != null) {
                    reply.complete(frame);
                }
            }
            case "unsubscribed" -> notes.add("unsubscribed: " + frame);
            default -> {
                // pong, welcome: nothing to record
            }
        }
    }

    private synchronized void onSubscribeReply(JsonObject reply) {
        if (!"ack".equals(reply.getString("type"))) {
            // the server cannot subscribe right now (Redis down): try again shortly, as a client backs off
            notes.add("subscribe refused: " + reply.getString("code", "?"));
            resubscribeAt = System.currentTimeMillis() + 500;
            return;
        }
        JsonObject result = reply.getJsonObject("result");
        epoch = result.getString("epoch", null);
        boolean recovered = result.getBoolean("recovered", false);
        lastSeq = recovered && askedSince != null ? askedSince : result.getJsonNumber("seq").longValue();
        if (askedSince != null && !recovered) {
            notes.add("resubscribe from " + askedSince + " not recovered (epoch " + epoch + ", seq " + lastSeq + ")");
        }
        subscribed = true;
    }

    private synchronized void onResync(JsonObject frame) {
        resyncs.add(new Resync(frame, System.currentTimeMillis()));
        subscribed = false;
        // take the whole current stream again: since 0 replays it from its first event (the epoch named if known)
        sendSubscribe(0L, frame.getString("epoch", null));
    }

    private void sendSubscribe(Long since, String withEpoch) {
        askedSince = since;
        askedEpoch = withEpoch;
        String id = "sub-" + (++subscribes);
        ws.send(since == null ? Fixtures.subscribe(room, id) : Fixtures.subscribe(room, id, since, withEpoch));
    }

    private synchronized void onEvent(JsonObject event) {
        if (!room.equals(event.getString("room", null))) {
            return;
        }
        events.add(event);
        long now = System.currentTimeMillis();
        long seq = event.getJsonNumber("seq").longValue();
        String eventEpoch = event.getString("epoch", null);
        if (!subscribed) {
            violations.add("event seq " + seq + " (" + event.getString("type") + ") after a resync, before subscribing again");
        } else if (eventEpoch != null && epoch != null && !eventEpoch.equals(epoch)) {
            // the event names a new epoch: the new stream must start where its first event is
            if (seq != 1) {
                violations.add("new epoch " + eventEpoch + " seen first at seq " + seq + " (after " + epoch + ":" + lastSeq
                        + "), so its seqs 1.." + (seq - 1) + " were missed without a resync");
            }
            epochChanges.add(now);
            epoch = eventEpoch;
            lastSeq = seq;
        } else if (seq == lastSeq + 1) {
            lastSeq = seq;
        } else if (seq <= lastSeq) {
            if (seq == 1 && eventEpoch == null) {
                // events do not name their epoch: seq 1 again is the only sign of a new stream
                epochChanges.add(now);
                epoch = null;
                lastSeq = 1;
            } else {
                violations.add("seq went back from " + lastSeq + " to " + seq + " within epoch " + epoch + " without a resync");
            }
        } else {
            violations.add("seq jumped from " + lastSeq + " to " + seq + " within epoch " + epoch + " without a resync");
            lastSeq = seq;
        }
        if ("message".equals(event.getString("type"))) {
            JsonObject data = event.getJsonObject("data");
            JsonValue body = data == null ? null : data.get("body");
            if (body instanceof JsonObject b && b.containsKey("m")) {
                String marker = b.getString("m");
                List<Delivery> list = deliveries.computeIfAbsent(marker, m -> Collections.synchronizedList(new ArrayList<>()));
                list.add(new Delivery(marker, seq, eventEpoch != null ? eventEpoch : epoch, now));
            }
        }
    }

    private record Command(String frame, String id) {
    }
}
