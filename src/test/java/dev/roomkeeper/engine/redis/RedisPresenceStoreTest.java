package dev.roomkeeper.engine.redis;

import dev.roomkeeper.engine.PresenceStoreContract;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.entity.RedisSettings;
import dev.roomkeeper.presence.entity.ChangeKind;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The presence contract against a real redis-server; every node of a test is its own RedisEngine and
 * RedisPresenceStore on the one Redis, as separate servers would be.
 */
class RedisPresenceStoreTest extends PresenceStoreContract {

    private static final ThreadFactory DAEMONS = LocalRedis.DAEMONS;
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static final AtomicInteger NODES = new AtomicInteger();

    @RegisterExtension
    static final LocalRedis REDIS = new LocalRedis();

    /** Each test its own prefix, so the global deadlines set holds only this test's sessions. */
    private final String keyPrefix = "t" + TESTS.incrementAndGet() + ":";
    private final List<RedisEngine> engines = new ArrayList<>();


    @Override
    protected Node open(EngineSettings settings) {
        RedisSettings redis = new RedisSettings("127.0.0.1", REDIS.port(), null, null, false, 0, keyPrefix, Duration.ofSeconds(2),
                "presence-" + NODES.incrementAndGet());
        RedisEngine engine = new RedisEngine(settings, redis, DAEMONS);
        engines.add(engine);
        return new Node(engine);
    }

    @Override
    protected void closeAll() {
        engines.forEach(RedisEngine::close);
    }

    @Test
    void eachChangeIsOnePublishOnTheEnginesChannel() {
        String r = room();
        try (Jedis admin = new Jedis("127.0.0.1", REDIS.port())) {
            long before = publishCalls(admin);
            store.join(r, "ann", "tab-1", ANN, in(30));
            store.join(r, "ann", "tab-2", ANN, in(30));
            store.heartbeat(r, "ann", "tab-1", in(30));
            store.join(r, "ann", "tab-1", ANN, in(30)); // unchanged: no event
            store.leaveUser(r, "ann", LeaveReason.KICKED);
            // join, occupied, session-added, session-removed, leave, vacated
            assertEquals(6, publishCalls(admin) - before);
        }
    }

    @Test
    void anotherNodeSeesTheSameSessions() {
        Node other = open();
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(30));
        assertEquals(ChangeKind.SESSION_ADDED, kind(other.store().join(r, "ann", "tab-2", ANN, in(30))));
        assertEquals(store.snapshot(r), other.store().snapshot(r));
        assertEquals(ChangeKind.SESSION_REMOVED, kind(other.store().leave(r, "ann", "tab-1", LeaveReason.LEFT)));
        assertEquals(ChangeKind.USER_LEFT, kind(store.leave(r, "ann", "tab-2", LeaveReason.LEFT)));
    }

    @Test
    void heartbeatPublishesNothingAndTouchesOnlyTheDeadline() {
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(30));
        try (Jedis admin = new Jedis("127.0.0.1", REDIS.port())) {
            admin.configResetStat();
            store.heartbeat(r, "ann", "tab-1", in(60));
            String stats = admin.info("commandstats");
            assertEquals(List.of("evalsha", "hget", "zadd"), calledCommands(stats));
        }
    }

    @Test
    void flushedScriptCacheIsReloaded() {
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(30));
        try (Jedis admin = new Jedis("127.0.0.1", REDIS.port())) {
            admin.scriptFlush();
        }
        PresenceChange added = store.join(r, "ann", "tab-2", ANN, in(30)).orElseThrow();
        assertEquals(3, added.event().seq(), "after the join and the room's occupation");
        assertTrue(store.heartbeat(r, "ann", "tab-1", in(30)).known());
    }

    private static List<String> calledCommands(String commandstats) {
        Matcher m = Pattern.compile("(?m)^cmdstat_([a-z|]+):calls=(\\d+)").matcher(commandstats);
        List<String> commands = new ArrayList<>();
        while (m.find()) {
            if (!m.group(1).equals("info") && !m.group(1).equals("config")) {
                commands.add(m.group(1));
            }
        }
        return commands.stream().sorted().toList();
    }

    private static long publishCalls(Jedis admin) {
        Matcher m = Pattern.compile("(?m)^cmdstat_publish:calls=(\\d+)").matcher(admin.info("commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
