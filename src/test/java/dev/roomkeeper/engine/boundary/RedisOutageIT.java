package dev.roomkeeper.engine.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.LiveKitDeliveries;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.roomkeeper.testing.Fixtures.presenceJoin;
import static dev.roomkeeper.testing.Fixtures.publish;
import static dev.roomkeeper.testing.Fixtures.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node whose Redis goes away answers 503 {@code stream-unavailable} — for publishes and for presence,
 * over REST and the socket, and a 503 problem for a LiveKit webhook delivery — instead of 500 or {@code internal},
 * says so in readiness, and serves again once Redis is back (the delivery's retry is recorded). Runs on a node and a Redis of its own, so the shared ones are never disturbed.
 */
class RedisOutageIT {

    private static RedisServer redis;
    private static int port;
    private static PayaraNode node;

    @BeforeAll
    static void start() throws IOException {
        port = PayaraNode.freePort();
        redis = new RedisServer(port);
        redis.start();
        node = Servers.benchNode("node-outage", Map.of("roomkeeper.redis.port", String.valueOf(port)),
                PayaraNode.TEST_JVM_OPTIONS);
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) {
            node.close();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void withoutRedisTheNodeAnswers503AndServesAgainWhenRedisIsBack() throws IOException {
        Fixtures fx = new Fixtures(node);
        JsonObject created = fx.room();
        String room = created.getString("id");
        fx.member(room, "ada", "host");
        Api ada = fx.as("ada");
        String beat = "{\"room\":\"" + room + "\",\"sessionId\":\"" + session() + "\"}";
        long now = System.currentTimeMillis() / 1000;
        LiveKitDeliveries.Delivery joined = LiveKitDeliveries.signed(LiveKitDeliveries.event("participant_joined",
                        "EV_outage", now, LiveKitDeliveries.room(created.getString("slug") + "-Stage", "RM_outage"))
                .setParticipant(LiveKitDeliveries.participant("PA_outage", "ada", 1, now, List.of())).build(),
                Servers.LIVEKIT_KEY, Servers.LIVEKIT_SECRET);
        try (WsClient socket = fx.socket("ada")) {
            assertEquals("ack", socket.send(publish(room, "before", "{}")).reply("before").getString("type"));
            assertEquals(200, ada.post("/api/presence/heartbeat", beat).status());

            redis.stop();
            try {
                Api.Reply refused = ada.post("/api/presence/heartbeat", beat);
                assertEquals(503, refused.status(), refused::toString);
                // the first command on a pooled connection Redis closed cannot tell whether Redis ran it before it
                // went (outcome-unknown); from then on Redis is taken to be down and nothing is sent
                assertTrue(refused.isProblem() && (refused.body().contains("stream-unavailable")
                        || refused.body().contains("outcome-unknown")), refused::toString);
                for (String frame : List.of(publish(room, "p", "{}"), presenceJoin(room, "j", session(), 10_000, null))) {
                    String id = frame.contains("\"p\"") ? "p" : "j";
                    JsonObject error = socket.send(frame).reply(id);
                    assertEquals("error", error.getString("type"), error::toString);
                    assertEquals("stream-unavailable", error.getString("code"), error::toString);
                }
                // a valid LiveKit webhook delivery is a 503 problem LiveKit retries, never a 500
                Api.Reply webhook = deliver(joined);
                assertEquals(503, webhook.status(), webhook::toString);
                assertTrue(webhook.isProblem(), webhook::toString);
                assertTrue(webhook.raw().headers().firstValue("Retry-After").isPresent(), webhook::toString);
                awaitReadiness(503);
            } finally {
                redis.start();
            }

            awaitReadiness(200);
            // LiveKit's retry of that delivery is recorded
            Api.Reply retried = deliver(joined);
            assertEquals(200, retried.status(), retried::toString);
            assertEquals("recorded", retried.json().getString("result"), retried::toString);
            assertEquals(200, ada.post("/api/presence/heartbeat", beat).status());
            assertEquals("ack", socket.send(publish(room, "after", "{}")).reply("after").getString("type"));
        }
    }

    /** Posts a LiveKit webhook delivery as LiveKit does: the bare token in Authorization, the body as signed. */
    private static Api.Reply deliver(LiveKitDeliveries.Delivery delivery) {
        HttpRequest request = HttpRequest.newBuilder(node.base().resolve("/api/livekit/webhook"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/webhook+json")
                .header("Authorization", delivery.authorization())
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body())).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            return new Api.Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls readiness until it answers {@code status} with the Redis check in it, within {@link WsClient#WAIT}. */
    private static void awaitReadiness(int status) {
        Api anonymous = new Api(node.base(), null);
        long deadline = System.nanoTime() + WsClient.WAIT.toNanos();
        Api.Reply ready;
        do {
            ready = anonymous.get("/health/ready");
            if (ready.status() == status && ready.body().contains("roomkeeper-redis")) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L); // poll again, up to the deadline
        } while (System.nanoTime() < deadline);
        throw new AssertionError("readiness never answered " + status + ": " + ready);
    }
}
