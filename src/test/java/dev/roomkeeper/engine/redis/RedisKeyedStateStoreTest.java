package dev.roomkeeper.engine.redis;

import dev.roomkeeper.engine.KeyedStateContract;
import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.entity.RedisSettings;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The keyed-state contract against a real redis-server; every node of a test is its own RedisEngine on the one
 * Redis, as separate servers would be.
 */
class RedisKeyedStateStoreTest extends KeyedStateContract {

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static final AtomicInteger NODES = new AtomicInteger();
    @RegisterExtension
    static final LocalRedis REDIS = new LocalRedis();

    /** Each test its own prefix, so the global deadlines set holds only this test's keys. */
    private final String keyPrefix = "kt" + TESTS.incrementAndGet() + ":";
    private final List<RedisEngine> engines = new ArrayList<>();


    @Override
    protected Engine open(EngineSettings settings) {
        RedisSettings settingsOfNode = new RedisSettings("127.0.0.1", REDIS.port(), null, null, false, 0, keyPrefix,
                Duration.ofSeconds(2), "keyed-" + NODES.incrementAndGet());
        RedisEngine engine = new RedisEngine(settings, settingsOfNode, LocalRedis.DAEMONS);
        engines.add(engine);
        return engine;
    }

    @Override
    protected void closeAll() {
        engines.forEach(RedisEngine::close);
    }

    @Test
    void eachChangeIsOneScriptAndOnePublish() {
        String r = room();
        KeyedLimits limits = new KeyedLimits(10, 10_000, 1_000);
        try (Jedis admin = new Jedis("127.0.0.1", REDIS.port())) {
            long before = calls(admin, "publish");
            long scriptsBefore = calls(admin, "evalsha");
            store.apply(KeyedWrite.set(r, SPACE, "a", "1").withTtl(1_000), limits);
            store.apply(KeyedWrite.increment(r, SPACE, "a", 1), limits);
            store.apply(KeyedWrite.set(r, SPACE, "b", "1").withCondition(dev.roomkeeper.keyed.entity.Condition.ifAbsent()), limits);
            store.apply(KeyedWrite.set(r, SPACE, "b", "2").withCondition(dev.roomkeeper.keyed.entity.Condition.ifAbsent()), limits);
            store.apply(KeyedWrite.delete(r, SPACE, "b"), limits);
            // set, increment, set, (refused: nothing), delete
            assertEquals(4, calls(admin, "publish") - before);
            assertEquals(5, calls(admin, "evalsha") - scriptsBefore, "one script per write");
        }
    }

    @Test
    void aClearIsOneScriptAndOnePublishHoweverManyKeysGo() {
        String r = room();
        for (int i = 0; i < 20; i++) {
            store.apply(KeyedWrite.set(r, SPACE, "k" + i, "1").withTtl(60_000), KeyedLimits.NONE);
        }
        try (Jedis admin = new Jedis("127.0.0.1", REDIS.port())) {
            long before = calls(admin, "publish");
            long scriptsBefore = calls(admin, "evalsha");
            assertEquals(19, store.clear(r, SPACE, List.of("k0"), "vacated").removed());
            assertEquals(1, calls(admin, "publish") - before);
            assertEquals(1, calls(admin, "evalsha") - scriptsBefore);
            assertEquals(1L, admin.zcard(keyPrefix + "k:deadlines"), "the removed keys' deadlines went with them");
        }
    }

    @Test
    void flushedScriptCacheIsReloaded() {
        String r = room();
        store.apply(KeyedWrite.set(r, SPACE, "a", "1"), KeyedLimits.NONE);
        try (Jedis admin = new Jedis("127.0.0.1", REDIS.port())) {
            admin.scriptFlush();
        }
        assertEquals(2, store.apply(KeyedWrite.set(r, SPACE, "a", "2"), KeyedLimits.NONE).seq());
        assertEquals(1, store.snapshot(r, SPACE, "").keys());
    }

    private static long calls(Jedis admin, String command) {
        Matcher m = Pattern.compile("(?m)^cmdstat_" + command + ":calls=(\\d+)").matcher(admin.info("commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
