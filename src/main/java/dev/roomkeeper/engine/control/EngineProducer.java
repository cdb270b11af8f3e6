package dev.roomkeeper.engine.control;

import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.entity.RedisSettings;
import dev.roomkeeper.engine.memory.MemoryEngine;
import dev.roomkeeper.engine.redis.RedisEngine;
import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.control.PresenceStore;
import dev.roomkeeper.stream.control.StreamBroker;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Picks the engine once from {@code roomkeeper.engine.type}: {@code memory} (default, one node) or
 * {@code redis} (any number of nodes sharing one Redis), and produces the stores it makes as the
 * implementations of the features' ports ({@link StreamBroker}, {@link PresenceStore}, ...). Exports what the engine counts itself as
 * metrics (streams held in memory, or the Redis subscriber's reconnects and the events it fetched from
 * history to fill gaps).
 */
@ApplicationScoped
public class EngineProducer {

    private static final Logger LOG = Logger.getLogger(EngineProducer.class.getName());

    @Inject
    @ConfigProperty(name = "roomkeeper.engine.type", defaultValue = "memory")
    String type;

    @Inject
    @ConfigProperty(name = "roomkeeper.stream.history-size", defaultValue = "1000")
    int historySize;

    @Inject
    @ConfigProperty(name = "roomkeeper.stream.history-ttl", defaultValue = "PT15M")
    Duration historyTtl;

    @Inject
    @ConfigProperty(name = "roomkeeper.stream.idle-ttl", defaultValue = "PT24H")
    Duration idleTtl;

    @Inject
    @ConfigProperty(name = "roomkeeper.redis.host", defaultValue = "localhost")
    String redisHost;

    @Inject
    @ConfigProperty(name = "roomkeeper.redis.port", defaultValue = "6379")
    int redisPort;

    @Inject
    @ConfigProperty(name = "roomkeeper.redis.user")
    Optional<String> redisUser;

    @Inject
    @ConfigProperty(name = "roomkeeper.redis.password")
    Optional<String> redisPassword;

    @Inject
    @ConfigProperty(name = "roomkeeper.redis.tls", defaultValue = "false")
    boolean redisTls;

    @Inject
    @ConfigProperty(name = "roomkeeper.redis.database", defaultValue = "0")
    int redisDatabase;

    @Inject
    @ConfigProperty(name = "roomkeeper.redis.key-prefix", defaultValue = "rk:")
    String redisKeyPrefix;

    @Inject
    @ConfigProperty(name = "roomkeeper.redis.connect-timeout", defaultValue = "PT2S")
    Duration redisConnectTimeout;

    @Resource
    ManagedThreadFactory threadFactory;

    @Inject
    Meters metrics;

    /** This node's id: tags log lines and Redis clients. */
    private final String nodeId = UUID.randomUUID().toString().substring(0, 8);

    @Produces
    @ApplicationScoped
    Engine engine() {
        Engine engine = createEngine();
        engine.exportMetrics(metrics);
        return engine;
    }

    /** The room stream's port, on the engine's backing. */
    @Produces
    @ApplicationScoped
    StreamBroker stream(Engine engine) {
        return engine.stream();
    }

    /** Presence lives where the engine's streams live, so a change and its event are one atomic step. */
    @Produces
    @ApplicationScoped
    PresenceStore presence(Engine engine) {
        return engine.presence();
    }

    /** Keyed room state lives beside the streams too: a change and its event are one atomic step. */
    @Produces
    @ApplicationScoped
    KeyedStateStore keyedState(Engine engine) {
        return engine.keyedState();
    }

    private Engine createEngine() {
        EngineSettings settings = new EngineSettings(historySize, historyTtl, idleTtl, Clock.systemUTC());
        String chosen = type.trim().toLowerCase(Locale.ROOT);
        switch (chosen) {
            case "memory" -> {
                LOG.info(() -> "engine: in-process (one node); history " + historySize + " events / " + historyTtl);
                return new MemoryEngine(settings);
            }
            case "redis" -> {
                RedisSettings redis = new RedisSettings(redisHost, redisPort, redisUser.orElse(null),
                        redisPassword.orElse(null), redisTls, redisDatabase, redisKeyPrefix, redisConnectTimeout, nodeId);
                LOG.info(() -> "engine: Redis at " + redisHost + ":" + redisPort + (redisTls ? " (TLS)" : "")
                        + ", node " + nodeId + "; history " + historySize + " events / " + historyTtl);
                return new RedisEngine(settings, redis, threadFactory);
            }
            default -> throw new IllegalStateException(
                    "roomkeeper.engine.type must be memory or redis, not '" + type + "'");
        }
    }

    void close(@Disposes Engine engine) {
        engine.close();
    }
}
