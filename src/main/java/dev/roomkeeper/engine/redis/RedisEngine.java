package dev.roomkeeper.engine.redis;

import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.entity.RedisSettings;
import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.control.PresenceStore;
import dev.roomkeeper.stream.control.StreamBroker;

import java.util.concurrent.ThreadFactory;

/**
 * The Redis backend: any number of nodes share one Redis. Every store runs on the node's one
 * {@link RedisClient}, and every change a store makes is one Lua script that publishes its events with the
 * stream's {@code publish_event} (one {@code PUBLISH} per event); the {@link RedisStreamBroker}'s subscriber
 * hands every node's events to this node's listeners. See {@code src/docs/engine-redis.md}.
 */
public class RedisEngine implements Engine {

    private final RedisClient client;
    private final RedisStreamBroker stream;
    private final RedisPresenceStore presence;
    private final RedisKeyedStateStore keyedState;

    /**
     * Connects, and starts the subscriber on a thread from {@code threadFactory}. An unreachable Redis does not
     * fail construction: the engine reports unhealthy and keeps reconnecting.
     */
    public RedisEngine(EngineSettings settings, RedisSettings redis, ThreadFactory threadFactory) {
        this.client = new RedisClient(settings, redis);
        this.stream = new RedisStreamBroker(client, threadFactory);
        this.presence = new RedisPresenceStore(client);
        this.keyedState = new RedisKeyedStateStore(client);
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public RedisStreamBroker stream() {
        return stream;
    }

    @Override
    public PresenceStore presence() {
        return presence;
    }

    @Override
    public KeyedStateStore keyedState() {
        return keyedState;
    }

    /** True when Redis answers a PING and the subscriber is subscribed right now. */
    @Override
    public boolean healthy() {
        return stream.subscribed() && client.ping();
    }

    /** Redis expires idle rooms' keys itself. */
    @Override
    public int forgetIdleStreams() {
        return 0;
    }

    @Override
    public void exportMetrics(Meters meters) {
        // monotonic counts the subscriber keeps; gauges, because neither metrics API counts through a function
        meters.gauge("roomkeeper.redis.reconnects", stream, RedisStreamBroker::reconnects);
        meters.gauge("roomkeeper.redis.gap.events.fetched", stream, RedisStreamBroker::gapEventsFetched);
        meters.gauge("roomkeeper.redis.commands.refused", client, RedisClient::refusedWhileDown);
        meters.gauge("roomkeeper.redis.commands.unanswered", client, RedisClient::unknownOutcomes);
    }

    @Override
    public void close() {
        stream.close();
        client.close();
    }
}
