package dev.roomkeeper.stream.control;

import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One sink's subscription to one room. Live events that arrive while the replay is being read are
 * buffered, then everything is sent once, in seq order: replayed events first, then buffered and live
 * events, each seq at most once and never with a gap.
 */
public final class RoomSubscription {

    private final String room;
    private final EventSink sink;
    private final StreamBroker engine;
    private boolean started;
    private boolean closed;
    private List<RoomEvent> buffer = new ArrayList<>();
    private long lastSeq;
    private String epoch;
    /** The subscription ends once it has delivered this seq (Long.MAX_VALUE: not to end); then {@link #onEnd} runs. */
    private long endAfter = Long.MAX_VALUE;
    private Runnable onEnd;

    public RoomSubscription(String room, EventSink sink, StreamBroker engine) {
        this.room = room;
        this.sink = sink;
        this.engine = engine;
    }

    public String room() {
        return room;
    }

    public EventSink sink() {
        return sink;
    }

    /**
     * Reads the replay (after the subscription is registered with the hub, so nothing falls between),
     * lets the caller announce it ({@code beforeEvents}: the ack), then sends replayed and buffered events.
     *
     * @param since the last seq the client saw, or null for "only new events"
     * @param clientEpoch the epoch the client saw, or null
     * @return the replay decision
     */
    public Replay start(Long since, String clientEpoch, Consumer<Replay> beforeEvents) {
        // Read the engine before taking this subscription's lock: publishers hold the room's lock while
        // they offer events to subscriptions, so taking the two locks in the other order would deadlock.
        Replay replay;
        if (since == null) {
            var position = engine.position(room);
            replay = new Replay(false, position.epoch(), position.seq(), List.of());
        } else {
            replay = engine.replay(room, since, clientEpoch);
        }
        synchronized (this) {
            return begin(since, replay, beforeEvents);
        }
    }

    private Replay begin(Long since, Replay replay, Consumer<Replay> beforeEvents) {
        epoch = replay.epoch();
        beforeEvents.accept(replay);
        lastSeq = replay.seq();
        if (replay.recovered()) {
            lastSeq = since;
            for (RoomEvent e : replay.events()) {
                deliver(new OutboundEvent(e));
            }
        }
        started = true;
        List<RoomEvent> pending = buffer;
        buffer = null;
        for (RoomEvent e : pending) {
            accept(new OutboundEvent(e), false);
        }
        if (!closed && lastSeq >= endAfter) {
            end(onEnd); // told to end at an event this subscription started after
        }
        return replay;
    }

    /** Called by the hub for every event of the room, in seq order. */
    public synchronized void offer(OutboundEvent event) {
        if (closed) {
            return;
        }
        if (!started) {
            buffer.add(event.event());
            return;
        }
        accept(event, true);
    }

    public synchronized void close() {
        closed = true;
    }

    /**
     * Ends the subscription right after it delivers the event {@code seq} (the event announcing why, such as a
     * member's removal), or at once when it already has: then no later event is sent and {@code onEnd} runs,
     * once, still in seq order with the events (so a frame it queues follows the announcing event).
     */
    public synchronized void endAfter(long seq, Runnable onEnd) {
        if (closed) {
            return;
        }
        if (started && lastSeq >= seq) {
            end(onEnd);
            return;
        }
        if (seq < endAfter) {
            endAfter = seq;
            this.onEnd = onEnd;
        }
    }

    private void end(Runnable then) {
        closed = true;
        then.run();
    }

    public synchronized long lastSeq() {
        return lastSeq;
    }

    public synchronized String epoch() {
        return epoch;
    }

    /**
     * @param mayReadEngine true only on the hub's dispatch path, where the engine's room lock (if any) is
     *                      already held by this thread; elsewhere a gap is answered with a resync instead
     */
    private void accept(OutboundEvent event, boolean mayReadEngine) {
        String eventEpoch = event.event().epoch();
        if (eventEpoch != null && epoch != null && !eventEpoch.equals(epoch)) {
            // the stream restarted (the engine lost the room's counter and history): its seqs count from 1 again,
            // so comparing them with lastSeq would drop the new stream's first events as duplicates
            closed = true;
            sink.resyncRequired(room, lastSeq, eventEpoch);
            return;
        }
        long seq = event.event().seq();
        if (seq <= lastSeq) {
            return;
        }
        if (seq > lastSeq + 1) {
            if (!mayReadEngine) {
                closed = true;
                sink.resyncRequired(room, lastSeq, null);
                return;
            }
            // the engine skipped events (lost connection, lost history): try the history once
            Replay gap = engine.replay(room, lastSeq, epoch);
            if (!gap.recovered()) {
                closed = true;
                sink.resyncRequired(room, lastSeq, null);
                return;
            }
            for (RoomEvent missed : gap.events()) {
                if (missed.seq() < seq) {
                    deliver(new OutboundEvent(missed));
                }
            }
        }
        deliver(event);
    }

    private void deliver(OutboundEvent event) {
        if (closed) {
            return;
        }
        lastSeq = event.event().seq();
        if (!sink.send(event)) {
            closed = true;
        } else if (lastSeq >= endAfter) {
            end(onEnd);
        }
    }
}
