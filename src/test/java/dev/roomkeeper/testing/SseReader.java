package dev.roomkeeper.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads an event stream on a background thread into a queue of parsed events. */
public final class SseReader implements AutoCloseable {

    /** One Server-Sent Event. */
    public record SseEvent(String id, String name, String data) {
        public JsonObject json() {
            return Json.createReader(new StringReader(data)).readObject();
        }
    }

    private final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final InputStream body;

    private SseReader(InputStream body) {
        this.body = body;
        Thread reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code path} on {@code node}, resuming after {@code lastEventId} when it is not null. */
    public static SseReader open(Node node, String path, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve(path))
                .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(2));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode(), () -> "SSE open failed: " + response.statusCode());
        return new SseReader(response.body());
    }

    /**
     * True when the server ends the stream within {@link WsClient#WAIT}; fails if an event came before
     * the end that the test did not take with {@link #next()}.
     */
    public boolean awaitEnd() throws InterruptedException {
        boolean end = ended.await(WsClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(events.isEmpty(), () -> "events before the end of the stream: " + events);
        return end;
    }

    /** The next event, waiting up to {@link WsClient#WAIT}. */
    public SseEvent next() throws InterruptedException {
        SseEvent event = events.poll(WsClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(event, "no SSE event within " + WsClient.WAIT);
        return event;
    }

    private void read() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            List<String> data = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new SseEvent(id, name, String.join("\n", data)));
                    }
                    id = null;
                    name = null;
                    data.clear();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.add(line.substring(5).strip());
                }
            }
        } catch (IOException closed) {
            // the test closed the stream
        } finally {
            ended.countDown();
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
