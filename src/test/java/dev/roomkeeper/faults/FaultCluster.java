package dev.roomkeeper.faults;

import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Two Payara nodes on a PostgreSQL and a Redis of their own, and the faults the fault suite injects into them, each
 * done for real: processes stopped, restarted, frozen with SIGSTOP and thawed with SIGCONT, killed with SIGKILL. The
 * shared servers ({@link Servers}) are never touched.
 * <ul>
 *     <li>Redis: {@link #stopRedis()}, {@link #startRedis()}, {@link #restartRedisEmpty()} (it has no persistence, so
 *     a restart loses every key), {@link #freezeRedis()}, {@link #thawRedis()};</li>
 *     <li>PostgreSQL (one data directory and port, so a restart finds its data again): {@link #stopPostgres()},
 *     {@link #startPostgres()}, {@link #freezePostgres()} and {@link #thawPostgres()} (the postmaster <em>and</em>
 *     its backends, which are processes of their own);</li>
 *     <li>nodes: {@link #kill(PayaraNode)} (SIGKILL), {@link #stopGracefully(PayaraNode)} (SIGTERM);</li>
 *     <li>{@link #heal()}: thaws and starts whatever a test left frozen or stopped, so a failed test never leaves the
 *     next one a broken cluster. A node that was killed or stopped costs a Payara boot (20-35 s).</li>
 * </ul>
 */
public final class FaultCluster implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FaultCluster.class.getName());

    /** The engine's bounded wait on Redis: commands and pooled connections (the fixture sets the default explicitly). */
    public static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);
    /** How long a dropped presence session stays reconnecting on these nodes. */
    public static final Duration RECONNECT_GRACE = Duration.ofSeconds(8);
    /** How long a node trusts what it cached about "may this user act in this room" (the server's default). */
    public static final Duration ACCESS_CACHE_TTL = Duration.ofSeconds(5);
    /**
     * How often each node closes the attendance of sessions the engine lost (missing from the presence store on two
     * sweeps in a row); the server's default is a minute, too long to watch in a test.
     */
    public static final Duration LOST_SESSION_SWEEP = Duration.ofSeconds(5);

    /**
     * A thread per task (the common pool has a single thread on two cores, which would run two boots one after the
     * other).
     */
    static final Executor THREADS = task -> {
        Thread thread = new Thread(task, "faults-fixture");
        thread.setDaemon(true);
        thread.start();
    };

    private final Path dir;
    private final int redisPort;
    private final int postgresPort;
    private final Path postgresData;
    private RedisServer redis;
    private long redisPid;
    private boolean redisFrozen;
    private EmbeddedPostgres postgres;
    private List<ProcessHandle> frozenPostgres = List.of();
    private final PayaraNode nodeA;
    private final PayaraNode nodeB;

    private FaultCluster() {
        dir = PayaraNode.workdir().resolve("faults");
        redisPort = PayaraNode.freePort();
        postgresPort = PayaraNode.freePort();
        postgresData = dir.resolve("postgres");
        stopLeftoverPostmaster(postgresData);
        deleteRecursively(dir);
        try {
            Files.createDirectories(dir.resolve("redis"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Redis before PostgreSQL, one after the other: a binary extracted while another thread forks can fail
        // with "Text file busy" (Servers does the same)
        startRedis();
        startPostgres();
        Map<String, String> settings = Servers.nodeSettings(jdbcUrl(), redisPort);
        settings.put("roomkeeper.redis.connect-timeout", REDIS_TIMEOUT.toString());
        settings.put("roomkeeper.presence.reconnect-grace", RECONNECT_GRACE.toString());
        settings.put("roomkeeper.rooms.access-cache-ttl", ACCESS_CACHE_TTL.toString());
        settings.put("roomkeeper.presence.lost-session-sweep-interval", LOST_SESSION_SWEEP.toString());
        nodeA = new PayaraNode("faults-a", settings);
        nodeB = new PayaraNode("faults-b", settings);
    }

    /**
     * Starts Redis, PostgreSQL and both nodes. The two nodes boot at the same time: Flyway takes PostgreSQL's
     * advisory lock, so only one migrates the schema and the other waits for it.
     */
    public static FaultCluster start() {
        long begin = System.nanoTime();
        FaultCluster cluster = new FaultCluster();
        try {
            CompletableFuture<PayaraNode> b = CompletableFuture.supplyAsync(cluster.nodeB::start, THREADS);
            cluster.nodeA.start();
            b.join();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        System.out.println("[faults] cluster: Redis on " + cluster.redisPort + ", PostgreSQL on " + cluster.postgresPort
                + ", two nodes ready after " + millisSince(begin) + " ms");
        return cluster;
    }

    public PayaraNode nodeA() {
        return nodeA;
    }

    public PayaraNode nodeB() {
        return nodeB;
    }

    public List<PayaraNode> nodes() {
        return List.of(nodeA, nodeB);
    }

    // ---- Redis ----

    public int redisPort() {
        return redisPort;
    }

    /** The redis-server process, as Redis itself reports it ({@code INFO server}, {@code process_id}). */
    public synchronized long redisPid() {
        return redisPid;
    }

    public synchronized boolean redisRunning() {
        return redis != null && redis.isActive();
    }

    public synchronized void startRedis() {
        if (redisRunning()) {
            return;
        }
        try {
            redis = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(redisPort)
                    // no persistence at all: a restart comes back empty, as a cache node without a disk does
                    .setting("save \"\"")
                    .setting("appendonly no")
                    // a directory of its own, so it never loads a dump.rdb another redis-server wrote
                    .setting("dir " + dir.resolve("redis").toAbsolutePath())
                    .setting("maxmemory-policy noeviction")
                    .build();
            redis.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server on " + redisPort, e);
        }
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            redisPid = jedis.info("server").lines().filter(l -> l.startsWith("process_id:"))
                    .map(l -> Long.parseLong(l.substring("process_id:".length()).trim())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("INFO server names no process_id"));
        }
        redisFrozen = false;
    }

    /** Stops redis-server (it saves nothing: it has no persistence). */
    public synchronized void stopRedis() {
        if (redis == null) {
            return;
        }
        thawRedis(); // a stopped process would not act on SIGTERM
        try {
            redis.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop redis-server", e);
        }
        ProcessHandle.of(redisPid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    }

    /** Stops redis-server and starts it again on the same port with no data: every key, counter and session is gone. */
    public synchronized void restartRedisEmpty() {
        stopRedis();
        startRedis();
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            if (jedis.dbSize() != 0) {
                throw new IllegalStateException("Redis came back with " + jedis.dbSize() + " keys");
            }
        }
    }

    /** SIGSTOP: redis-server keeps its sockets open and answers nothing, as a Redis stuck on a slow disk or a long fork does. */
    public synchronized void freezeRedis() {
        Signals.stop(List.of(ProcessHandle.of(redisPid).orElseThrow()));
        redisFrozen = true;
    }

    public synchronized void thawRedis() {
        if (!redisFrozen) {
            return;
        }
        ProcessHandle.of(redisPid).ifPresent(p -> Signals.cont(List.of(p)));
        redisFrozen = false;
    }

    // ---- PostgreSQL ----

    /** The JDBC URL (user in it) of the database the nodes use. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgresPort + "/postgres?user=postgres";
    }

    public synchronized boolean postgresRunning() {
        return postgres != null;
    }

    /** Starts PostgreSQL on the fixture's data directory and port: after a stop, with the data it had. */
    public synchronized void startPostgres() {
        if (postgres != null) {
            return;
        }
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(postgresData)
                    .setCleanDataDirectory(false)
                    .setPort(postgresPort)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL on " + postgresData, e);
        }
    }

    /** A fast shutdown ({@code pg_ctl stop -m fast}): open connections are cut, new ones refused. */
    public synchronized void stopPostgres() {
        if (postgres == null) {
            return;
        }
        thawPostgres();
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL", e);
        }
        postgres = null;
    }

    /**
     * SIGSTOP to the postmaster first (so it forks no new backend) and then to every process under it (the backends
     * and background workers are processes of their own): connections stay open, and nothing answers. New
     * connections are accepted by the kernel into the listen backlog and then hang, as with a database host that
     * stopped answering.
     */
    public synchronized void freezePostgres() {
        if (postgres == null) {
            throw new IllegalStateException("PostgreSQL is not running");
        }
        ProcessHandle postmaster = postmaster(postgresData)
                .orElseThrow(() -> new IllegalStateException("no postmaster.pid in " + postgresData));
        List<ProcessHandle> all = new ArrayList<>();
        all.add(postmaster);
        Signals.stop(List.of(postmaster));
        List<ProcessHandle> children = postmaster.descendants().toList();
        Signals.stop(children);
        all.addAll(children);
        frozenPostgres = all;
    }

    public synchronized void thawPostgres() {
        if (frozenPostgres.isEmpty()) {
            return;
        }
        List<ProcessHandle> alive = frozenPostgres.stream().filter(ProcessHandle::isAlive).toList();
        frozenPostgres = List.of();
        Signals.cont(alive);
    }

    /** A connection of the test's own to the nodes' database, for reading what they wrote (attendance). */
    public Connection jdbc() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    /** The attendance records of a room's sessions, as the nodes wrote them. */
    public List<AttendanceRow> attendance(String roomId) {
        try (Connection c = jdbc();
             PreparedStatement q = c.prepareStatement("select user_id, session_id, joined_at, left_at, leave_reason "
                     + "from attendance where room_id = ? order by joined_at")) {
            q.setString(1, roomId);
            List<AttendanceRow> rows = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Timestamp left = rs.getTimestamp(4);
                    rows.add(new AttendanceRow(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                            left == null ? null : left.toInstant(), rs.getString(5)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read attendance of " + roomId, e);
        }
    }

    /** One attendance record: open while {@code leftAt} is null. */
    public record AttendanceRow(String userId, String sessionId, Instant joinedAt, Instant leftAt, String leaveReason) {
        public boolean open() {
            return leftAt == null;
        }
    }

    // ---- nodes ----

    /** SIGKILL: the node dies as in a crash; its sockets drop without a close frame and it writes nothing more. */
    public void kill(PayaraNode node) {
        node.kill();
    }

    /** SIGTERM, waiting for the process to end: the application stops as an operator's restart stops it. */
    public void stopGracefully(PayaraNode node) {
        node.close();
    }

    /** Boots a node that was killed or stopped (20-35 s), on its old port. */
    public void restart(PayaraNode node) {
        long begin = System.nanoTime();
        node.start();
        System.out.println("[faults] node " + node.name() + " booted again in " + millisSince(begin) + " ms");
    }

    /**
     * Undoes whatever a test left behind: thaws Redis and PostgreSQL, starts them if stopped, boots nodes that are
     * down. Tests call it before they start (a failed test's finally blocks may not have run to the end).
     */
    public synchronized void heal() {
        thawRedis();
        thawPostgres();
        startRedis();
        startPostgres();
        List<PayaraNode> down = nodes().stream().filter(n -> !n.alive()).toList();
        if (!down.isEmpty()) {
            List<CompletableFuture<Void>> boots = down.stream()
                    .map(n -> CompletableFuture.runAsync(() -> restart(n), THREADS)).toList();
            boots.forEach(CompletableFuture::join);
        }
    }

    @Override
    public synchronized void close() {
        for (PayaraNode node : List.of(nodeA, nodeB)) {
            if (node != null) {
                try {
                    node.kill(); // nothing to write for anyone: its database goes next
                } catch (RuntimeException e) {
                    LOG.warning(() -> "cannot kill " + node.name() + ": " + e);
                }
            }
        }
        try {
            stopRedis();
        } catch (RuntimeException e) {
            LOG.warning(() -> "cannot stop Redis: " + e);
        }
        try {
            stopPostgres();
        } catch (RuntimeException e) {
            LOG.warning(() -> "cannot stop PostgreSQL: " + e);
        }
    }

    // ---- helpers ----

    static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    /** The postmaster of a data directory: the first line of its postmaster.pid. */
    private static Optional<ProcessHandle> postmaster(Path data) {
        Path pidFile = data.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(pidFile).get(0).trim();
            return ProcessHandle.of(Long.parseLong(first));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A postmaster a crashed earlier run left on this data directory would hold its port and files: end it. */
    private static void stopLeftoverPostmaster(Path data) {
        postmaster(data).filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false)).ifPresent(p -> {
            Signals.cont(Stream.concat(Stream.of(p), p.descendants()).toList());
            p.destroyForcibly();
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        });
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + path, e);
        }
    }

    /** POSIX signals the JDK has no call for. */
    static final class Signals {

        private Signals() {
        }

        static void stop(List<ProcessHandle> processes) {
            send("-STOP", processes);
        }

        static void cont(List<ProcessHandle> processes) {
            send("-CONT", processes);
        }

        private static void send(String signal, List<ProcessHandle> processes) {
            if (processes.isEmpty()) {
                return;
            }
            List<String> command = new ArrayList<>(List.of("kill", signal));
            processes.forEach(p -> command.add(String.valueOf(p.pid())));
            try {
                Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
                String out = new String(kill.getInputStream().readAllBytes());
                if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                    // a backend may have ended between listing and signalling: only the living matter
                    if (processes.stream().anyMatch(ProcessHandle::isAlive) && !out.contains("No such process")) {
                        throw new IllegalStateException(command + " failed: " + out);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
