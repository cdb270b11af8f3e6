package dev.roomkeeper.bench;

import dev.roomkeeper.engine.redis.RedisEngine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.entity.RedisSettings;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Not a test: what the idle sweep costs on 10,000 open rooms, on a real PostgreSQL and Redis, through the
 * server's admin API. Runs only with {@code -Droomkeeper.bench=true}:
 * <pre>
 * mvn -o verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=IdleSweepCostIT -Droomkeeper.bench=true
 * </pre>
 * One Payara node (production JVM options: -Xmx1g, G1) on the shared embedded PostgreSQL and Redis, with
 * the default inactivity window (1 hour), its sweep timer off, its activity flush every 10 minutes. For each scenario the room table is refilled with
 * 10,000 open rooms by JDBC (some idle by their persisted activity, some of those with a recent event in
 * Redis, as another node would have published), analyzed, and the sweep run twice (the second run finds
 * what the first left). The candidate query's plan is printed with EXPLAIN ANALYZE. The report goes to
 * the log and to {@code target/bench/idle-sweep-<time>.txt}; {@code src/docs/benchmarks.md} has the
 * figures measured so far.
 */
@EnabledIfSystemProperty(named = "roomkeeper.bench", matches = "true")
class IdleSweepCostIT {

    private static final Logger LOG = Logger.getLogger(IdleSweepCostIT.class.getName());
    private static final int ROOMS = 10_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<String> report = new ArrayList<>();

    @Test
    void sweepCostOnTenThousandRooms() throws Exception {
        PayaraNode node = Servers.benchNode("bench-sweep", Map.of(
                        "roomkeeper.rooms.inactivity-window", "PT1H", // the default, not the tests' 10 s
                        "roomkeeper.rooms.idle-sweep-interval", "PT24H",
                        "roomkeeper.rooms.activity-flush-interval", "PT10M"),
                List.of("-Xmx1g", "-XX:+UseG1GC", "-Dhazelcast.shutdownhook.enabled=false"));
        RedisEngine feeder = new RedisEngine(new EngineSettings(1000, Duration.ofMinutes(15), Duration.ofHours(24),
                Clock.systemUTC()), new RedisSettings("127.0.0.1", Servers.redisPort(), null, null, false, 0, "rk:",
                Duration.ofSeconds(2), "bench-feeder"), r -> {
                    Thread t = new Thread(r);
                    t.setDaemon(true);
                    return t;
                });
        try (node; feeder; Connection db = DriverManager.getConnection(Servers.postgresUrl())) {
            line("idle sweep on " + ROOMS + " open rooms; PostgreSQL " + version(db) + ", Redis " + Servers.redisPort()
                    + "; node JVM " + node.jvmOptions() + "; cores " + Runtime.getRuntime().availableProcessors());
            line("warm-up (first requests after boot, not measured):");
            refill(db, 50, 0);
            sweep(node);
            scenario(node, db, feeder, "none idle", 0, 0);
            scenario(node, db, feeder, "1,000 idle + 1,000 stale in the database but with a recent event in Redis", 1000, 1000);
            scenario(node, db, feeder, "all idle", ROOMS, 0);
        }
        Path file = Path.of("target/bench").resolve("idle-sweep-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(OffsetDateTime.now(ZoneOffset.UTC)) + ".txt");
        Files.createDirectories(file.getParent());
        Files.write(file, report);
        LOG.info("report written to " + file);
    }

    private void scenario(PayaraNode node, Connection db, RedisEngine feeder, String name, int idle, int live)
            throws Exception {
        line("");
        line("== " + name);
        List<String> liveRooms = refill(db, idle, live);
        for (String room : liveRooms) {
            feeder.stream().publish(room, "message", "{\"from\":\"another node\"}");
        }
        line("plan of the first candidate page:");
        explain(db, "select r.id, r.last_activity_at from room r where r.state = 'open' and r.last_activity_at < now() - interval '1 hour'"
                + " order by r.last_activity_at, r.id limit 200");
        line("plan of a later page (keyset):");
        explain(db, "select r.id, r.last_activity_at from room r where r.state = 'open' and r.last_activity_at < now() - interval '1 hour'"
                + " and r.last_activity_at >= now() - interval '3 hours' and (r.last_activity_at > now() - interval '3 hours'"
                + " or r.id > '00000000-0000-0000-0000-000000000000') order by r.last_activity_at, r.id limit 200");
        for (int run = 1; run <= 2; run++) {
            String load = load();
            long[] scansBefore = scans(db);
            long start = System.nanoTime();
            JsonObject result = sweep(node);
            double wallMs = (System.nanoTime() - start) / 1e6;
            long[] scans = scansAfter(db, scansBefore);
            int closed = result.getInt("closed");
            int examined = result.getInt("examined");
            long durationMs = result.getJsonNumber("durationMs").longValue();
            line(String.format("run %d: examined %d, closed %d, errors %d, %d ms in the server (%.0f ms wall)%s;"
                            + " room table: %d scans of ix_room_state_activity, %d sequential scans; load average before %s",
                    run, examined, closed, result.getInt("errors"), durationMs, wallMs,
                    closed > 0 ? String.format(", %.2f ms per room closed", (double) durationMs / closed)
                            : examined > 0 ? String.format(", %.2f ms per room examined", (double) durationMs / examined) : "",
                    scans[0] - scansBefore[0], scans[1] - scansBefore[1], load));
            assertEquals(0, scans[1] - scansBefore[1], "the sweep never scans the room table");
            assertEquals(0, result.getInt("errors"), result::toString);
            if (run == 1) {
                assertEquals(idle, closed, result::toString);
                assertEquals(idle + live, examined, result::toString);
            } else {
                assertEquals(0, closed);
                assertEquals(live, examined, "the rooms kept open by Redis are still stale in the database");
            }
        }
    }

    /** Replaces every room by 10,000 open ones: the first idle ones, then live ones (stale in the database), then fresh. */
    private static List<String> refill(Connection db, int idle, int live) throws SQLException {
        List<String> liveRooms = new ArrayList<>();
        db.setAutoCommit(false);
        try (Statement clear = db.createStatement();
             PreparedStatement insert = db.prepareStatement("insert into room (id, slug, title, kind, state, created_by,"
                     + " created_at, updated_at, last_activity_at, version) values (?, ?, ?, 'huddle', 'open', 'bench', ?, ?, ?, 0)")) {
            clear.execute("delete from room");
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            OffsetDateTime old = now.minusHours(2);
            for (int i = 0; i < ROOMS; i++) {
                String id = UUID.randomUUID().toString();
                OffsetDateTime activity = i < idle + live ? old.plusNanos(i * 1000L) : now;
                if (i >= idle && i < idle + live) {
                    liveRooms.add(id);
                }
                insert.setString(1, id);
                insert.setString(2, "bench-" + i + "-" + id.substring(0, 8));
                insert.setString(3, "Bench " + i);
                insert.setObject(4, old);
                insert.setObject(5, old);
                insert.setObject(6, activity);
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            db.commit();
            clear.execute("analyze room");
            db.commit();
        } finally {
            db.setAutoCommit(true);
        }
        return liveRooms;
    }

    private void explain(Connection db, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("explain (analyze, buffers) " + sql)) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
                line("    " + rows.getString(1));
            }
        }
        assertTrue(plan.toString().contains("ix_room_state_activity"), "the candidate query uses its index:\n" + plan);
        assertTrue(!plan.toString().contains("Sort"), "and needs no sort:\n" + plan);
    }

    /** How often the sweep's index and the room table were scanned (idx_scan, seq_scan), from PostgreSQL's statistics. */
    private static long[] scans(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("select pg_stat_clear_snapshot()");
            try (ResultSet rows = statement.executeQuery("select (select idx_scan from pg_stat_user_indexes"
                    + " where indexrelname = 'ix_room_state_activity'), (select seq_scan from pg_stat_user_tables"
                    + " where relname = 'room')")) {
                rows.next();
                return new long[]{rows.getLong(1), rows.getLong(2)};
            }
        }
    }

    /** The statistics once the server's scans have reached them (they are sent at most every 500 ms). */
    private static long[] scansAfter(Connection db, long[] before) throws SQLException, InterruptedException {
        AtomicReference<long[]> now = new AtomicReference<>(scans(db));
        try {
            Awaitility.await("index scans counted").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        now.set(scans(db));
                        return now.get()[0] != before[0];
                    });
        } catch (ConditionTimeoutException e) {
            // a run that needed no index scan: report the counters as they are
        }
        return now.get();
    }

    private static JsonObject sweep(PayaraNode node) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(node.base().resolve("/api/idle-sweeps"))
                .header("Authorization", "Bearer " + Fixtures.adminToken())
                .header("Accept", "application/json")
                .timeout(Duration.ofMinutes(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response::body);
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static String version(Connection db) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery("show server_version")) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** The 1, 5 and 15 minute load averages of the machine, as {@code uptime} prints them. */
    private static String load() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private void line(String text) {
        report.add(text);
        LOG.info(text);
    }
}
