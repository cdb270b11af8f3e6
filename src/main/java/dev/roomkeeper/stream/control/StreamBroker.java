package dev.roomkeeper.stream.control;

import dev.roomkeeper.stream.entity.Published;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.stream.entity.StreamPosition;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The room stream's port: per-room sequence counters, the bounded per-room history and the fan-out of
 * events to every node. The stream owns this contract; each engine implements it (in process for one
 * node, on Redis for many), and both pass the same contract tests. Features never call it directly: they
 * publish through {@link RoomEvents}, and {@link Hub} is its only listener.
 */
public interface StreamBroker {

    /**
     * Gives the event the room's next seq, stores it in the room's history and delivers it to the
     * listeners of every node, exactly once each, in seq order per room.
     *
     * @throws IllegalArgumentException when the room or type holds a newline (see {@link #requireOneLine})
     */
    RoomEvent publish(String room, String type, String data);

    /**
     * Publishes as {@link #publish} does, at most once per {@code idempotencyKey} in the room for {@code keep}:
     * a later call with the same key publishes nothing and answers the first event's seq, epoch and time
     * ({@link Published#duplicate}). The key is checked and recorded in the same atomic step as the publish, so a
     * retry after an unknown outcome (the first attempt was sent and no answer came) is safe on every node.
     */
    Published publishOnce(String room, String type, String data, String idempotencyKey, Duration keep);

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

    /**
     * Refuses names that hold a newline. Every engine refuses them, so that both behave alike: the Redis engine
     * joins room ids, event types and presence ids with newlines in its records.
     *
     * @throws IllegalArgumentException when {@code value} holds a newline
     */
    static void requireOneLine(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(what + " must not contain a newline");
        }
    }
}
