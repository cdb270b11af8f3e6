package dev.roomkeeper.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real WebSocket client (the JDK's) that collects every frame the server sends, and how it closed.
 */
public final class WsClient implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(15);

    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final List<JsonObject> seen = new ArrayList<>();
    private final List<JsonObject> pending = new ArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;

    private WsClient(URI uri) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener()).join();
    }

    public static WsClient connect(URI uri) {
        return new WsClient(uri);
    }

    /** Connects and authenticates with an auth frame; returns once the welcome frame arrived. */
    public static WsClient authenticated(URI uri, String token) {
        WsClient client = new WsClient(uri);
        client.send("{\"type\":\"auth\",\"id\":\"auth\",\"token\":\"" + token + "\"}");
        client.await(f -> "welcome".equals(f.getString("type", null)));
        return client;
    }

    public WsClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    public WsClient sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
        return this;
    }

    /**
     * Waits for the first frame matching {@code condition} and takes it; frames that do not match stay
     * pending for later awaits, in arrival order.
     */
    public JsonObject await(Predicate<JsonObject> condition) {
        return awaitWithin(WAIT, condition).orElseGet(() -> fail("no matching frame within " + WAIT + "; saw " + seen
                + (closeCode.isDone() ? ", closed " + closeCode.join() : "")));
    }

    /**
     * Waits up to {@code window} for a frame matching {@code condition}: the first one (taken), or empty
     * when none came in time. For bounded "nothing arrives for this long" checks; frames that do not
     * match stay pending, as with {@link #await}.
     */
    public Optional<JsonObject> awaitWithin(Duration window, Predicate<JsonObject> condition) {
        for (var it = pending.iterator(); it.hasNext(); ) {
            JsonObject frame = it.next();
            if (condition.test(frame)) {
                it.remove();
                return Optional.of(frame);
            }
        }
        return Optional.ofNullable(next(condition, window));
    }

    /** The next arriving frame matching {@code condition}, or null after {@code window}. */
    private JsonObject next(Predicate<JsonObject> condition, Duration window) {
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonObject frame;
            try {
                frame = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (frame == null) {
                return null;
            }
            seen.add(frame);
            if (condition.test(frame)) {
                return frame;
            }
            pending.add(frame);
        }
    }

    /** Waits for the reply (ack or error) to the command with client id {@code id}. */
    public JsonObject reply(String id) {
        return await(f -> id.equals(f.getString("id", null)));
    }

    /** Waits for the next {@code event} frame of {@code room} and returns its event object. */
    public JsonObject event(String room) {
        return await(f -> "event".equals(f.getString("type", null))
                && room.equals(f.getJsonObject("event").getString("room"))).getJsonObject("event");
    }

    /** Frames received but not yet awaited, without waiting. */
    public List<JsonObject> drainNow() {
        List<JsonObject> fresh = new ArrayList<>();
        frames.drainTo(fresh);
        seen.addAll(fresh);
        List<JsonObject> rest = new ArrayList<>(pending);
        rest.addAll(fresh);
        pending.clear();
        return rest;
    }

    public List<JsonObject> seen() {
        return seen;
    }

    /** Waits until the server closes the socket and returns its close code. */
    public int awaitClose() {
        try {
            return closeCode.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            fail("socket not closed within " + WAIT + "; saw " + seen);
            return -1;
        }
    }

    /** Drops the connection without a close frame, as a crashed tab or a lost network does. */
    public void abort() {
        socket.abort();
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(Json.createReader(new StringReader(partial.toString())).readObject());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(1006);
        }
    }
}
