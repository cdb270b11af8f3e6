package dev.roomkeeper.engine.control;

import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.stream.entity.StreamPosition;

import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The seam between Roomkeeper and what it shares between nodes: per-room sequence counters, the
 * bounded per-room history and the fan-out of events to every node. Two implementations: the
 * in-process {@link MemoryEngine} (one node) and the {@link RedisEngine} (any number of nodes).
 * Both pass the same contract tests.
 */
public interface Engine extends AutoCloseable {

    /**
     * Gives the event the room's next seq, stores it in the room's history and delivers it to the
     * listeners of every node, exactly once each, in seq order per room.
     */
    RoomEvent publish(String room, String type, String data);

    /**
     * The events of {@code room} after {@code since}, or {@code recovered=false} when they are no
     * longer all in the history or {@code epoch} is not the stream's current epoch ({@code null} epoch:
     * the caller does not know one and accepts the current).
     */
    Replay replay(String room, long since, String epoch);

    /** The room's current epoch and latest seq. */
    StreamPosition position(String room);

    /**
     * When the room's latest event was published (epoch ms, the publishing node's clock), as long as the
     * engine still holds the room's stream; empty when it holds none (never published, idle for longer
     * than the stream's idle TTL, or released). On Redis every node gives the same answer. Never creates
     * anything: asking about a room costs no memory or key.
     */
    OptionalLong lastEventAt(String room);

    /**
     * Forgets the room's stream: counter, epoch and history. For closed rooms, once their last event
     * ({@code room.closed}) has been published: nobody can subscribe to a closed room, so nothing will read
     * it again. A later publish to the room would start a new stream (new epoch, seq 1).
     */
    void release(String room);

    /** Registers this node's listener; called for every event of every room, in seq order per room. */
    void listen(Consumer<RoomEvent> listener);

    /** A short name for health and metrics: {@code memory} or {@code redis}. */
    String name();

    /** True when the engine can publish and deliver right now. */
    boolean healthy();

    @Override
    void close();
}
