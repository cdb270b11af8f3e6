package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.TestTokens;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.roomkeeper.rooms.boundary.RoomLifecycleContract.activity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two nodes sweeping the same idle rooms at the same moment: each room is closed and announced exactly once. */
class IdleSweepTwoNodeIT {

    private static final int ROOMS = 30;

    @Test
    void twoNodesSweepingAtOnceCloseAndAnnounceEachIdleRoomOnce() throws Exception {
        PayaraNode a = Servers.nodeA();
        PayaraNode b = Servers.nodeB();
        Fixtures onA = new Fixtures(a);
        List<String> rooms = new ArrayList<>();
        TestTokens.Claims watching = TestTokens.forUser("watcher").name("Watcher").expiresIn(Duration.ofHours(1));
        for (int i = 0; i < ROOMS; i++) {
            String id = onA.room().getString("id");
            rooms.add(id);
            watching.room(id, "observer");
        }
        try (WsClient watcher = WsClient.authenticated(b.ws(), watching.hs256(Servers.SECRET))) {
            for (String room : rooms) {
                watcher.send(Fixtures.subscribe(room, "s-" + room)).reply("s-" + room);
            }
            Api admin = onA.admin();
            String last = rooms.get(ROOMS - 1); // made last, so idle last
            RoomLifecycleContract.await("every room idle", RoomLifecycleContract.IDLE_DEADLINE,
                    () -> !activity(admin, last).getBoolean("active"), () -> { });
            double announcedBefore = closedAnnouncements(a) + closedAnnouncements(b);

            CountDownLatch start = new CountDownLatch(1);
            CompletableFuture<Api.Reply> onNodeA = sweepOn(a, start);
            CompletableFuture<Api.Reply> onNodeB = sweepOn(b, start);
            start.countDown();
            JsonObject runA = created(onNodeA.get(5, TimeUnit.MINUTES));
            JsonObject runB = created(onNodeB.get(5, TimeUnit.MINUTES));

            assertNotEquals(runA.getString("node"), runB.getString("node"));
            int closedByRuns = runA.getInt("closed") + runB.getInt("closed");
            Instant since = earlier(Instant.parse(runA.getString("startedAt")), Instant.parse(runB.getString("startedAt")));
            Set<String> sweptRooms = closedByTheSweepSince(admin, since);
            assertTrue(sweptRooms.containsAll(rooms), "every idle room is closed");
            assertEquals(sweptRooms.size(), closedByRuns, "the runs' closed counts add up to the rooms closed: " + runA + " / " + runB);
            assertEquals(closedByRuns, closedAnnouncements(a) + closedAnnouncements(b) - announcedBefore, 0.0,
                    "one room.closed published per room closed, by whichever node closed it");
            for (String room : rooms) {
                JsonObject closed = watcher.event(room);
                assertEquals("room.closed", closed.getString("type"), closed::toString);
            }
            List<String> runIds = admin.get("/api/idle-sweeps?limit=10").json().getJsonArray("items")
                    .getValuesAs(JsonValue::asJsonObject).stream().map(r -> r.getJsonNumber("id").toString()).toList();
            assertTrue(runIds.containsAll(List.of(runA.getJsonNumber("id").toString(), runB.getJsonNumber("id").toString())),
                    "both runs are recorded, whichever node is asked: " + runIds);
        }
    }

    private static CompletableFuture<Api.Reply> sweepOn(PayaraNode node, CountDownLatch start) {
        Api admin = new Fixtures(node).admin();
        return CompletableFuture.supplyAsync(() -> {
            try {
                start.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return admin.post("/api/idle-sweeps", null);
        });
    }

    private static JsonObject created(Api.Reply reply) {
        assertEquals(201, reply.status(), reply::toString);
        assertEquals(0, reply.json().getInt("errors"), reply::toString);
        return reply.json();
    }

    private static Instant earlier(Instant x, Instant y) {
        return x.isBefore(y) ? x : y;
    }

    /** Ids of the rooms the idle sweep closed at or after {@code since}, from the admin list of closed rooms. */
    private static Set<String> closedByTheSweepSince(Api admin, Instant since) {
        Set<String> swept = new HashSet<>();
        for (int offset = 0; ; offset += 200) {
            JsonObject page = admin.get("/api/rooms?state=closed&limit=200&offset=" + offset).json();
            for (JsonObject room : page.getJsonArray("items").getValuesAs(JsonValue::asJsonObject)) {
                if ("system:idle-sweep".equals(room.getString("closedBy", null))
                        && !Instant.parse(room.getString("closedAt")).isBefore(since)) {
                    swept.add(room.getString("id"));
                }
            }
            if (offset + 200 >= page.getJsonNumber("total").longValue()) {
                return swept;
            }
        }
    }

    /** This node's count of published room.closed events (Prometheus text). */
    private static double closedAnnouncements(PayaraNode node) {
        String metrics = new Api(node.base(), null).text("/metrics?scope=application").body();
        return metrics.lines()
                .filter(l -> l.startsWith("roomkeeper_events_published_total{") && l.contains("type=\"room.closed\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
