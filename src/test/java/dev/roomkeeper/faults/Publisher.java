package dev.roomkeeper.faults;

import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishes {@code message} events at a steady rate on one socket, without waiting for replies (as a chat client
 * sends what its user types), so that frames queue behind a slow one exactly as they would in a browser. Each
 * publish carries a unique marker in its body ({@code {"m":"<prefix>-<n>"}}) and, if asked, a {@code publishId};
 * every reply is matched to its publish by the frame {@code id} and timed.
 */
final class Publisher implements AutoCloseable {

    /** One publish frame sent, and what came back. */
    static final class Attempt {
        final String id;
        final String marker;
        final String publishId;
        final long sentNanos;
        final long sentMillis;
        volatile JsonObject reply;
        volatile long repliedNanos;

        Attempt(String id, String marker, String publishId) {
            this.id = id;
            this.marker = marker;
            this.publishId = publishId;
            this.sentNanos = System.nanoTime();
            this.sentMillis = System.currentTimeMillis();
        }

        boolean answered() {
            return reply != null;
        }

        boolean acked() {
            return reply != null && "ack".equals(reply.getString("type"));
        }

        /** The error code, or "ack", or "none" while unanswered. */
        String outcome() {
            if (reply == null) {
                return "none";
            }
            return acked() ? "ack" : reply.getString("code", "error?");
        }

        JsonObject result() {
            return acked() ? reply.getJsonObject("result") : null;
        }

        long seq() {
            return result().getJsonNumber("seq").longValue();
        }

        /** The ack's epoch (a field added with epoch-correct delivery), or null. */
        String epoch() {
            return result().getString("epoch", null);
        }

        /** Milliseconds from sending to the reply (or until now, while unanswered). */
        long latencyMillis() {
            long end = reply == null ? System.nanoTime() : repliedNanos;
            return TimeUnit.NANOSECONDS.toMillis(end - sentNanos);
        }

        @Override
        public String toString() {
            return id + "(" + marker + ", " + outcome() + (acked() ? " seq " + seq() + " epoch " + epoch() : "")
                    + ", " + latencyMillis() + " ms)";
        }
    }

    private final WsClient ws;
    private final String room;
    private final String prefix;
    private final long periodNanos;
    private final boolean withPublishId;
    private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Attempt> byId = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean sending = true;
    private volatile boolean running = true;
    private volatile String failure;
    private int retries;

    private Publisher(WsClient ws, String room, String prefix, int perSecond, boolean withPublishId) {
        this.ws = ws;
        this.room = room;
        this.prefix = prefix;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.withPublishId = withPublishId;
        this.thread = new Thread(this::run, "publisher-" + prefix);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts publishing {@code perSecond} messages a second to {@code room} on {@code ws} (which it then owns). */
    static Publisher start(WsClient ws, String room, String prefix, int perSecond, boolean withPublishId) {
        return new Publisher(ws, room, prefix, perSecond, withPublishId);
    }

    List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    long acked() {
        return attempts().stream().filter(Attempt::acked).count();
    }

    /** Acks of publishes sent after {@code millis} (epoch ms). */
    long ackedSentAfter(long millis) {
        return attempts().stream().filter(a -> a.sentMillis > millis && a.acked()).count();
    }

    /**
     * Stops sending, then waits up to {@code drain} for the replies still outstanding; the socket is the caller's
     * again afterwards (for {@link #retry}).
     */
    void stop(Duration drain) {
        sending = false;
        long deadline = System.nanoTime() + drain.toNanos();
        while (System.nanoTime() < deadline && attempts().stream().anyMatch(a -> !a.answered())) {
            parkBriefly();
        }
        running = false;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new IllegalStateException("publisher " + prefix + " failed: " + failure);
        }
    }

    /**
     * Sends {@code first}'s publish again, with the same marker and {@code publishId} and a new frame id, and waits
     * up to {@code timeout} for its reply. Only after {@link #stop}.
     */
    Attempt retry(Attempt first, Duration timeout) {
        if (running) {
            throw new IllegalStateException("retry only after stop()");
        }
        Attempt again = new Attempt(first.id + "-r" + (++retries), first.marker, first.publishId);
        ws.send(frame(again));
        Optional<JsonObject> reply = ws.awaitWithin(timeout, f -> again.id.equals(f.getString("id", null)));
        reply.ifPresent(r -> {
            again.repliedNanos = System.nanoTime();
            again.reply = r;
        });
        return again;
    }

    @Override
    public void close() {
        sending = false;
        running = false;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ws.close();
    }

    private void run() {
        long next = System.nanoTime();
        int n = 0;
        try {
            while (running) {
                long now = System.nanoTime();
                if (sending && now >= next) {
                    n++;
                    String marker = prefix + "-" + String.format("%05d", n);
                    Attempt attempt = new Attempt("p" + n, marker, withPublishId ? prefix + ":" + n : null);
                    byId.put(attempt.id, attempt);
                    attempts.add(attempt);
                    ws.send(frame(attempt));
                    next += periodNanos;
                    continue;
                }
                long wait = sending ? Math.max(1, next - now) : TimeUnit.MILLISECONDS.toNanos(50);
                ws.awaitWithin(Duration.ofNanos(wait), f -> f.containsKey("id")).ifPresent(reply -> {
                    Attempt attempt = byId.get(reply.getString("id"));
                    if (attempt != null) {
                        attempt.repliedNanos = System.nanoTime();
                        attempt.reply = reply;
                    }
                });
            }
        } catch (RuntimeException e) {
            failure = e.toString();
        }
    }

    private String frame(Attempt attempt) {
        return "{\"type\":\"publish\",\"id\":\"" + attempt.id + "\",\"room\":\"" + room + "\""
                + (attempt.publishId == null ? "" : ",\"publishId\":\"" + attempt.publishId + "\"")
                + ",\"data\":{\"m\":\"" + attempt.marker + "\"}}";
    }

    private static void parkBriefly() {
        try {
            Thread.sleep(20); // polling the replies the publisher's thread records, until the caller's deadline
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
