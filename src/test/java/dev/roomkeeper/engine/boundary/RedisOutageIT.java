package dev.roomkeeper.engine.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static dev.roomkeeper.testing.Fixtures.presenceJoin;
import static dev.roomkeeper.testing.Fixtures.publish;
import static dev.roomkeeper.testing.Fixtures.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node whose Redis goes away answers 503 {@code stream-unavailable} — for publishes and for presence,
 * over REST and the socket — instead of 500 or {@code internal}, says so in readiness, and serves again
 * once Redis is back. Runs on a node and a Redis of its own, so the shared ones are never disturbed.
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
        String room = fx.room().getString("id");
        fx.member(room, "ada", "host");
        Api ada = fx.as("ada");
        String beat = "{\"room\":\"" + room + "\",\"sessionId\":\"" + session() + "\"}";
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
                awaitReadiness(503);
            } finally {
                redis.start();
            }

            awaitReadiness(200);
            assertEquals(200, ada.post("/api/presence/heartbeat", beat).status());
            assertEquals("ack", socket.send(publish(room, "after", "{}")).reply("after").getString("type"));
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
