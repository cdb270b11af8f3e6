package dev.roomkeeper.engine.redis;

import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.entity.RedisSettings;
import dev.roomkeeper.participants.control.ParticipantCacheContract;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The participants contract against a real redis-server: each "node" is its own RedisEngine on the one Redis. */
class RedisParticipantCacheTest extends ParticipantCacheContract {

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static final AtomicInteger NODES = new AtomicInteger();
    @RegisterExtension
    static final LocalRedis REDIS = new LocalRedis();

    private final String keyPrefix = "pc" + TESTS.incrementAndGet() + ":";
    private final List<RedisEngine> engines = new ArrayList<>();

    @Override
    protected Engine open(EngineSettings settings) {
        RedisEngine engine = new RedisEngine(settings, new RedisSettings("127.0.0.1", REDIS.port(), null, null, false, 0,
                keyPrefix, Duration.ofSeconds(5), "participants-" + NODES.incrementAndGet()), LocalRedis.DAEMONS);
        engines.add(engine);
        return engine;
    }

    @Override
    protected void closeAll() {
        engines.forEach(RedisEngine::close);
    }
}
