package dev.roomkeeper.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The servers of one test run, each started once, on first use, and stopped when the JVM exits:
 * <ul>
 *     <li>{@link #embedded()}: the Quick start defaults (H2 file database, in-process engine);</li>
 *     <li>{@link #nodeA()} and {@link #nodeB()}: two nodes sharing one real PostgreSQL and one real Redis.</li>
 * </ul>
 * Tokens are signed with a secret made for this run ({@link #SECRET}).
 */
public final class Servers {

    private static final Logger LOG = Logger.getLogger(Servers.class.getName());

    /** The HS256 secret every node of this run accepts. Made here, never stored. */
    public static final String SECRET = randomSecret();
    /** The LiveKit API key pair every node of this run verifies webhooks with (made here, never stored). */
    public static final String LIVEKIT_KEY = "APIrun" + randomSecret().substring(0, 8).replace('-', 'x').replace('_', 'y');
    public static final String LIVEKIT_SECRET = randomSecret();
    /** A second pair every node accepts too, as while rotating keys. */
    public static final String LIVEKIT_OLD_KEY = "APIold" + randomSecret().substring(0, 8).replace('-', 'x').replace('_', 'y');
    public static final String LIVEKIT_OLD_SECRET = randomSecret();
    /** How long a dropped presence session stays reconnecting on every node of this run. */
    public static final Duration RECONNECT_GRACE = Duration.ofSeconds(3);
    /** How often every node sweeps expired presence sessions (the server's default). */
    public static final Duration PRESENCE_SWEEP = Duration.ofSeconds(1);

    private static PayaraNode embedded;
    private static PayaraNode nodeA;
    private static PayaraNode nodeB;
    private static EmbeddedPostgres postgres;
    private static RedisServer redis;
    private static int redisPort;

    private Servers() {
    }

    public static synchronized PayaraNode embedded() {
        if (embedded == null) {
            Map<String, String> props = common();
            PayaraNode.deleteRecursively(PayaraNode.workdir().resolve("h2")); // a fresh database every run
            props.put("roomkeeper.db.url", "jdbc:h2:file:" + PayaraNode.workdir().toAbsolutePath().resolve("h2/roomkeeper"));
            props.put("roomkeeper.engine.type", "memory");
            embedded = new PayaraNode("embedded", props).start();
        }
        return embedded;
    }

    /**
     * Stops the embedded node gracefully (as an operator's restart does: the application flushes what it
     * holds in memory) and starts it again on the same database and port. Costs a Payara boot (20-35 s).
     */
    public static synchronized PayaraNode restartEmbedded() {
        PayaraNode node = embedded();
        node.close();
        return node.start();
    }

    public static synchronized PayaraNode nodeA() {
        startCluster();
        return nodeA;
    }

    public static synchronized PayaraNode nodeB() {
        startCluster();
        return nodeB;
    }

    /**
     * A further node on the shared PostgreSQL and Redis, for tests that kill a node; the caller owns it
     * and closes (kills) it.
     */
    public static synchronized PayaraNode extraNode(String name) {
        startCluster();
        return new PayaraNode(name, clusterProperties()).start();
    }

    /**
     * The settings a further node needs to join the shared PostgreSQL and Redis, for nodes on another server
     * than Payara Micro; starts those two, not the Payara nodes.
     */
    public static synchronized Map<String, String> clusterSettings() {
        startInfrastructure();
        return clusterProperties();
    }

    /**
     * A node on the shared PostgreSQL and Redis (without starting node A and B), with {@code overrides} on top
     * of the cluster's settings and the given JVM options: for measurements. The caller owns and closes it.
     */
    public static synchronized PayaraNode benchNode(String name, Map<String, String> overrides, List<String> jvmOptions) {
        startInfrastructure();
        Map<String, String> props = clusterProperties();
        props.putAll(overrides);
        return new PayaraNode(name, props, jvmOptions).start();
    }

    /** The JDBC URL (user in it) of the shared PostgreSQL's database the cluster nodes use. */
    public static synchronized String postgresUrl() {
        startInfrastructure();
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public static synchronized int redisPort() {
        startInfrastructure();
        return redisPort;
    }

    public static synchronized RedisServer redis() {
        startInfrastructure();
        return redis;
    }

    private static void startCluster() {
        if (nodeA != null) {
            return;
        }
        startInfrastructure();
        Map<String, String> props = clusterProperties();
        PayaraNode a = new PayaraNode("node-a", props);
        PayaraNode b = new PayaraNode("node-b", props);
        // node A migrates the schema first; B starts once A is ready (no migration race to test here)
        a.start();
        b.start();
        nodeA = a;
        nodeB = b;
    }

    private static Map<String, String> clusterProperties() {
        return nodeSettings(postgres.getJdbcUrl("postgres", "postgres"), redisPort);
    }

    /**
     * The settings of a node on the PostgreSQL at {@code jdbcUrl} (user {@code postgres}) and the Redis on
     * 127.0.0.1:{@code redisPort}, as node A and B run: for fixtures that bring a PostgreSQL and a Redis of their
     * own (the fault suite stops and freezes them, which the shared ones must never be). A mutable copy.
     */
    public static Map<String, String> nodeSettings(String jdbcUrl, int redisPort) {
        Map<String, String> props = common();
        props.put("roomkeeper.db.url", jdbcUrl);
        props.put("roomkeeper.db.user", "postgres");
        props.put("roomkeeper.db.password", "");
        props.put("roomkeeper.engine.type", "redis");
        props.put("roomkeeper.redis.host", "127.0.0.1");
        props.put("roomkeeper.redis.port", String.valueOf(redisPort));
        props.put("roomkeeper.presence.token-secret", SECRET + "-presence");
        return props;
    }

    private static void startInfrastructure() {
        if (postgres != null) {
            return;
        }
        try {
            // one after the other: a binary extracted while another thread forks a process can fail to start with
            // "Text file busy" (the child inherits the extractor's open file until it execs), as seen with both
            // started at once
            redisPort = PayaraNode.freePort();
            redis = new RedisServer(redisPort);
            redis.start();
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(Servers::stopInfrastructure));
            LOG.info(() -> "PostgreSQL on " + postgres.getPort() + ", Redis on " + redisPort);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded Redis", e);
        }
    }

    private static void stopInfrastructure() {
        try {
            if (redis != null) {
                redis.stop();
            }
        } catch (IOException | RuntimeException ignored) {
            // exiting anyway
        }
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // exiting anyway
        }
    }

    private static Map<String, String> common() {
        Map<String, String> props = new HashMap<>();
        props.put("roomkeeper.auth.hs256-secret", SECRET);
        props.put("roomkeeper.ws.rate-per-second", "200");
        props.put("roomkeeper.ws.rate-burst", "400");
        // short presence timings so expiry and grace are observable in seconds, not minutes
        props.put("roomkeeper.presence.min-heartbeat-interval", "PT1S");
        props.put("roomkeeper.presence.reconnect-grace", RECONNECT_GRACE.toString());
        // rooms go idle after 10 s without activity, so invite refusals and the idle sweep are observable in
        // seconds: every test uses its rooms within seconds of making them (a test that waits must keep them
        // busy). The sweep's timer never fires in a run (the first run would be a day after boot): tests run it
        // through the admin API, so a sweep never closes another test's room behind its back.
        props.put("roomkeeper.rooms.inactivity-window", "PT10S");
        props.put("roomkeeper.rooms.idle-sweep-interval", "PT24H");
        props.put("roomkeeper.livekit.keys", LIVEKIT_KEY + ":" + LIVEKIT_SECRET + "," + LIVEKIT_OLD_KEY + ":" + LIVEKIT_OLD_SECRET);
        return props;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
