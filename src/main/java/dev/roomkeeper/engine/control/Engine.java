package dev.roomkeeper.engine.control;

import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.control.PresenceStore;
import dev.roomkeeper.stream.control.StreamBroker;

/**
 * One backend for everything Roomkeeper shares between nodes and keeps only while it lives: it makes every
 * store the features define as their ports, all on the same backing so that a store's change and the room
 * event announcing it are one atomic step. Two implementations, chosen once from configuration by
 * {@link EngineProducer}: {@code engine.memory.MemoryEngine} (one node, nothing to install) and
 * {@code engine.redis.RedisEngine} (any number of nodes sharing one Redis).
 * <p>
 * A feature that needs shared state defines its port in its own package and adds a method here; each
 * backend implements it beside the others, and the contract tests run on both.
 */
public interface Engine extends AutoCloseable {

    /** A short name for health and metrics: {@code memory} or {@code redis}. */
    String name();

    /** The room streams (the stream's port). */
    StreamBroker stream();

    /** Presence sessions (presence's port), kept beside the streams they publish on. */
    PresenceStore presence();

    /** Keyed room state (the keyed-state primitive's port), kept beside the streams it publishes on. */
    KeyedStateStore keyedState();

    /** True when the backend can publish and deliver right now. */
    boolean healthy();

    /**
     * Forgets room streams nobody published to or asked about for the idle TTL, where the backend holds them
     * itself (in process); a backend whose data expires on its own (Redis) returns 0.
     *
     * @return how many rooms' streams were forgotten
     */
    int forgetIdleStreams();

    /** Registers the backend's own gauges (streams held, reconnects, ...) with the application's metrics. */
    void exportMetrics(Meters meters);

    @Override
    void close();
}
