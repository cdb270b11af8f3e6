package dev.roomkeeper.playback.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The playback cleanup on two running nodes that run it at the same moment, with short windows: events past the
 * retention are deleted, each once (the recorded runs' {@code eventsDeleted} add up to the rows made old, and none is
 * left), newer events are kept, streams playing with no activity for the idle window are reset once (not playing,
 * position kept, as the REST snapshot shows) while a paused stream is left alone.
 * <p>
 * The nodes run on a PostgreSQL and a Redis of this test's own: the cleanup deletes whatever is old in the database,
 * so on the shared servers it would count other tests' rows. The retention's lower bound is a minute; rather than
 * wait for one, the test writes events with timestamps two days old straight into its database (the table the
 * playback log writes). The idle window is at its lower bound, 10 s: the test runs the cleanup on both nodes at once,
 * round after round, until the idle streams are reset (within a deadline). The cleanup's timer never fires here
 * (interval 24 h): only the test's runs count.
 */
class PlaybackCleanupClusterIT {

    static final int OLD_PER_STREAM = 35;
    static final int BATCH = 10;
    static final long POSITION_MS = 5_000;

    static RedisServer redis;
    static EmbeddedPostgres postgres;
    static PayaraNode a;
    static PayaraNode b;

    @BeforeAll
    static void start() throws IOException {
        int redisPort = PayaraNode.freePort();
        redis = new RedisServer(redisPort);
        redis.start();
        postgres = EmbeddedPostgres.builder().start(); // after Redis: a binary extracted while another forks can fail
        Map<String, String> settings = Servers.nodeSettings(postgres.getJdbcUrl("postgres", "postgres"), redisPort);
        settings.put("roomkeeper.playback.event-retention", "PT1M");
        settings.put("roomkeeper.playback.idle-reset", "PT10S");
        settings.put("roomkeeper.playback.cleanup-interval", "PT24H");
        settings.put("roomkeeper.playback.cleanup-batch", String.valueOf(BATCH));
        settings.put("roomkeeper.playback.flush-interval", "PT0.5S");
        a = new PayaraNode("cleanup-a", settings);
        b = new PayaraNode("cleanup-b", settings);
        // both boot at once: Flyway's advisory lock lets one migrate while the other waits
        CompletableFuture<PayaraNode> second = CompletableFuture.supplyAsync(b::start, task -> {
            Thread thread = new Thread(task, "cleanup-it-boot");
            thread.setDaemon(true);
            thread.start();
        });
        a.start();
        second.join();
    }

    @AfterAll
    static void stop() throws IOException {
        for (PayaraNode node : new PayaraNode[]{a, b}) {
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void twoNodesCleaningAtOnceDeleteEachOldEventOnceAndResetEachIdleStreamOnce() throws Exception {
        Fixtures fx = new Fixtures(a);
        String room = fx.room().getString("id");
        String host = Fixtures.unique("host");
        fx.member(room, host, "host");
        Api api = new Api(a.base(), Fixtures.token(host));
        String base = "/api/rooms/" + room + "/playback/streams";
        List<String> playing = List.of(create(api, base, "Morning"), create(api, base, "Noon"));
        String paused = create(api, base, "Night");
        for (String stream : playing) {
            Api.Reply play = api.post(base + "/" + stream + "/play",
                    "{\"eventId\":\"play-" + stream + "\",\"positionMs\":" + POSITION_MS + "}");
            assertEquals(200, play.status(), play::toString);
        }
        List<String> streams = List.of(playing.get(0), playing.get(1), paused);
        try (Connection db = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"))) {
            // the plays reach the log's table (the flush, every half second); they stay: they are recent
            Awaitility.await("the plays logged").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> count(db, "event_id LIKE 'play-%'", streams) == playing.size());
            long recent = count(db, "TRUE", streams);
            int old = makeOldEvents(db, streams);

            List<JsonObject> runs = new ArrayList<>();
            Awaitility.await("the idle streams reset").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        runs.addAll(cleanOnBothNodesAtOnce());
                        return playing.stream().noneMatch(s -> timeline(api, base, s).getBoolean("playing"));
                    });

            assertEquals(old, runs.stream().mapToInt(r -> r.getInt("eventsDeleted")).sum(),
                    () -> "each old event deleted by exactly one run: " + runs);
            assertEquals(playing.size(), runs.stream().mapToInt(r -> r.getInt("streamsReset")).sum(),
                    () -> "each idle stream reset by exactly one run: " + runs);
            assertTrue(runs.stream().allMatch(r -> r.getInt("errors") == 0), runs::toString);
            assertEquals(0, count(db, "event_id LIKE 'old-%'", streams), "no old event left");
            assertEquals(recent, count(db, "event_id NOT LIKE 'old-%'", streams), "recent events kept");

            // every run the test made is recorded, with its node and counts, and listed on either node
            List<JsonObject> recorded = recordedRuns();
            assertEquals(runs.size(), recorded.size(), recorded::toString);
            assertEquals(old, recorded.stream().mapToInt(r -> r.getInt("eventsDeleted")).sum());
            assertEquals(playing.size(), recorded.stream().mapToInt(r -> r.getInt("streamsReset")).sum());
            Set<String> nodes = new HashSet<>();
            recorded.forEach(r -> nodes.add(r.getString("node")));
            assertEquals(2, nodes.size(), () -> "runs of both nodes: " + nodes);
        }

        for (String stream : playing) {
            JsonObject timeline = timeline(api, base, stream);
            assertFalse(timeline.getBoolean("playing"));
            assertEquals(POSITION_MS, timeline.getJsonNumber("positionMs").longValue(), "position kept");
            assertEquals("idle", timeline.getString("cause"), timeline::toString);
        }
        JsonObject untouched = timeline(api, base, paused);
        assertEquals("create", untouched.getString("cause"), "a stream that is not playing is not reset");
    }

    private static String create(Api api, String base, String title) {
        Api.Reply created = api.post(base, "{\"mediaUrl\":\"https://cdn.example/" + title.toLowerCase()
                + ".mp4\",\"title\":\"" + title + "\"}");
        assertEquals(201, created.status(), created::toString);
        return created.json().getString("stream");
    }

    private static JsonObject timeline(Api api, String base, String stream) {
        Api.Reply reply = api.get(base + "/" + stream);
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().getJsonObject("timeline");
    }

    /** Writes {@link #OLD_PER_STREAM} events two days old for each stream, as the playback log would have. */
    private static int makeOldEvents(Connection db, List<String> streams) throws SQLException {
        Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2));
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO playback_event (stream_id, user_id, "
                + "event_type, event_id, timestamp_ms, position_ms, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (String stream : streams) {
                for (int i = 0; i < OLD_PER_STREAM; i++) {
                    Instant at = twoDaysAgo.plusSeconds(i);
                    insert.setString(1, stream);
                    insert.setString(2, "viewer-" + i);
                    insert.setString(3, i % 2 == 0 ? "sync_request" : "position");
                    insert.setString(4, "old-" + i);
                    insert.setLong(5, at.toEpochMilli());
                    insert.setLong(6, i * 1_000L);
                    insert.setString(7, "{}");
                    insert.setTimestamp(8, Timestamp.from(at));
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
        return streams.size() * OLD_PER_STREAM;
    }

    private static long count(Connection db, String condition, List<String> streams) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT COUNT(*) FROM playback_event WHERE " + condition
                + " AND stream_id IN (?, ?, ?)")) {
            for (int i = 0; i < 3; i++) {
                query.setString(i + 1, streams.get(i));
            }
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** An admin runs the cleanup on node A and node B at the same moment; both runs, as answered. */
    private static List<JsonObject> cleanOnBothNodesAtOnce() {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Api.Reply>> calls = new ArrayList<>();
        for (PayaraNode node : new PayaraNode[]{a, b}) {
            Api admin = new Api(node.base(), Fixtures.adminToken());
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return admin.post("/api/playback-cleanups", null);
            }, task -> {
                Thread thread = new Thread(task, "cleanup-it-run");
                thread.setDaemon(true);
                thread.start();
            }));
        }
        go.countDown();
        List<JsonObject> runs = new ArrayList<>();
        for (CompletableFuture<Api.Reply> call : calls) {
            Api.Reply reply = call.join();
            assertEquals(201, reply.status(), reply::toString);
            runs.add(reply.json());
        }
        return runs;
    }

    /** Every recorded run, through the admin API (newest first, in pages). */
    private static List<JsonObject> recordedRuns() {
        List<JsonObject> runs = new ArrayList<>();
        Api admin = new Api(b.base(), Fixtures.adminToken());
        for (int offset = 0; ; offset += 200) {
            JsonObject page = admin.get("/api/playback-cleanups?limit=200&offset=" + offset).json();
            page.getJsonArray("items").forEach((JsonValue item) -> runs.add(item.asJsonObject()));
            if (runs.size() >= page.getInt("total") || page.getJsonArray("items").isEmpty()) {
                return runs;
            }
        }
    }
}
