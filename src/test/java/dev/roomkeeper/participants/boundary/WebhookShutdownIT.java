package dev.roomkeeper.participants.boundary;

import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.LiveKitDeliveries;
import dev.roomkeeper.testing.Node;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import livekit.LivekitModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node stopped (SIGTERM, as an operator's restart) while LiveKit webhook deliveries pour in, on the Redis engine:
 * whatever the application itself answers is 200 or a 503 problem LiveKit retries, never a 500. The container answers
 * the rest while it undeploys (503 for requests that arrive once the application is unavailable, 500 for requests
 * still inside it when its JAX-RS servlet is destroyed, both with an empty body; see participants.md), or the
 * connection is refused. LiveKit retries every one of those; retried against another node on the same Redis and
 * database (node A), every delivery ends recorded exactly once.
 */
class WebhookShutdownIT {

    private static final Logger LOG = Logger.getLogger(WebhookShutdownIT.class.getName());
    private static final int IN_FLIGHT = 200;
    private static final int BEFORE_STOP = 1000;

    private PayaraNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** One delivery and what it got. */
    private record Sent(String sid, LiveKitDeliveries.Delivery delivery, CompletableFuture<HttpResponse<String>> answer) {
    }

    @Test
    void aNodeStoppingUnderLoadNeverAnswersA500ItselfAndRetriesRecordEveryDelivery() throws Exception {
        Map<String, String> props = Servers.clusterSettings();
        props.put("roomkeeper.livekit.rate-limit", "100000");
        node = new PayaraNode("webhook-shutdown", props).start();
        Fixtures fx = new Fixtures(node);
        JsonObject created = fx.room();
        String room = created.getString("id");
        fx.member(room, "ada", "host");
        LivekitModels.Room livekitRoom = LiveKitDeliveries.room(created.getString("slug") + "-Stage", "RM_stop");

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        AtomicLong ok = new AtomicLong();
        AtomicInteger refusedConnections = new AtomicInteger();
        List<Sent> sent = new ArrayList<>();
        Thread stopper = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        // deliveries, IN_FLIGHT at a time, until the node has stopped (connections refused) after BEFORE_STOP answers
        while (refusedConnections.get() < 20 && System.nanoTime() < deadline) {
            inFlight.acquire();
            int n = sent.size();
            long now = System.currentTimeMillis() / 1000;
            String sid = "PA_s" + n;
            LiveKitDeliveries.Delivery d = LiveKitDeliveries.signed(LiveKitDeliveries.event("participant_joined",
                    "EV_s" + n, now, livekitRoom).setParticipant(LiveKitDeliveries.participant(sid, "u" + n, 1, now,
                    List.of())).build(), Servers.LIVEKIT_KEY, Servers.LIVEKIT_SECRET);
            CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request(node, d),
                    HttpResponse.BodyHandlers.ofString());
            answer.whenComplete((r, e) -> {
                inFlight.release();
                if (e != null && (e.getCause() instanceof java.net.ConnectException)) {
                    refusedConnections.incrementAndGet();
                } else if (r != null && r.statusCode() == 200) {
                    ok.incrementAndGet();
                }
            });
            sent.add(new Sent(sid, d, answer));
            if (stopper == null && ok.get() >= BEFORE_STOP) {
                stopper = new Thread(node::close, "stopper");
                stopper.start();
            }
        }
        inFlight.acquire(IN_FLIGHT);
        assertTrue(stopper != null && refusedConnections.get() >= 20, "the node stopped under load");
        stopper.join(TimeUnit.SECONDS.toMillis(60));

        Map<String, AtomicInteger> kinds = new TreeMap<>();
        List<Sent> toRetry = new ArrayList<>();
        ConcurrentLinkedQueue<String> ours500 = new ConcurrentLinkedQueue<>();
        for (Sent s : sent) {
            HttpResponse<String> r = s.answer().handle((answer, e) -> e == null ? answer : null).join();
            String kind = kind(r);
            kinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
            if (r != null && r.statusCode() >= 500 && fromTheApplication(r) && !kind.startsWith("503 problem")) {
                ours500.add(r.statusCode() + " " + r.body());
            }
            if (r == null || r.statusCode() != 200) {
                toRetry.add(s);
            }
        }
        LOG.info(() -> "answers while stopping under load: " + kinds);
        assertTrue(ours500.isEmpty(), () -> "the application answered an error other than a 503 problem: " + ours500);

        // LiveKit retries what got no 200; behind a load balancer the retry reaches another node (on the same Redis
        // and database), which records it, or finds it a duplicate of what the first attempt recorded before its
        // answer was lost
        Node other = Servers.nodeA();
        for (Sent s : toRetry) {
            HttpResponse<String> r = http.send(request(other, s.delivery()), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r::body);
            String result = Json.createReader(new StringReader(r.body())).readObject().getString("result");
            assertTrue(result.equals("recorded") || result.equals("duplicate"), r::body);
        }
        JsonObject listed = new Fixtures(other).as("ada").get("/api/rooms/" + room + "/participants?channel=Stage").json();
        assertEquals(sent.size(), listed.getJsonArray("channels").getJsonObject(0).getInt("count"),
                "every delivery recorded once");
    }

    private static HttpRequest request(Node to, LiveKitDeliveries.Delivery d) {
        return HttpRequest.newBuilder(to.base().resolve("/api/livekit/webhook")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/webhook+json").header("Authorization", d.authorization())
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body())).build();
    }

    /** The application answers JSON (problems as problem+json); the container an empty body or its HTML page. */
    private static boolean fromTheApplication(HttpResponse<String> r) {
        String type = r.headers().firstValue("Content-Type").orElse("");
        return type.startsWith("application/problem+json") || type.startsWith("application/json");
    }

    /** "200", "503 problem ...", "500 container (empty)", "no answer", ... */
    private static String kind(HttpResponse<String> r) {
        if (r == null) {
            return "no answer";
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (r.statusCode() == 200) {
            return "200";
        }
        if (type.startsWith("application/problem+json")) {
            return r.statusCode() + " problem " + Json.createReader(new StringReader(r.body())).readObject().getString("type");
        }
        return r.statusCode() + (r.body().isEmpty() ? " container (empty)" : " container " + type);
    }
}
