package dev.roomkeeper.engine.memory;

import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.stream.control.StreamBroker;
import dev.roomkeeper.stream.entity.Published;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.stream.entity.StreamPosition;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The room stream in process: one node, nothing to install. Each room's counter and history sit behind
 * the room's own lock; listeners are called under that lock, so they see every room's events in seq
 * order and must only hand them on (never block).
 * <p>
 * The other in-process stores keep their per-room state behind the same lock ({@link #inRoom}) and publish
 * through the {@link LockedRoom} it hands them, so that a change and the event announcing it are one step.
 */
public class MemoryStreamBroker implements StreamBroker {

    private static final Logger LOG = Logger.getLogger(MemoryStreamBroker.class.getName());

    private final EngineSettings settings;
    private final Map<String, RoomStream> streams = new ConcurrentHashMap<>();
    private final List<Consumer<RoomEvent>> listeners = new CopyOnWriteArrayList<>();

    public MemoryStreamBroker(EngineSettings settings) {
        this.settings = settings;
    }

    @Override
    public RoomEvent publish(String room, String type, String data) {
        StreamBroker.requireOneLine(room, "room");
        StreamBroker.requireOneLine(type, "type");
        return inRoom(room, locked -> locked.publish(type, data));
    }

    @Override
    public Published publishOnce(String room, String type, String data, String idempotencyKey, Duration keep) {
        StreamBroker.requireOneLine(room, "room");
        StreamBroker.requireOneLine(type, "type");
        return inRoom(room, locked -> {
            RoomStream stream = locked.stream;
            long now = settings.clock().millis();
            // oldest first (every id is kept the same while): drop the head while it is past its window, not a scan
            // of every id kept, which at 1,000 publications a second is 300,000 ids under the room's lock
            for (Iterator<Sent> oldest = stream.publishIds.values().iterator(); oldest.hasNext(); ) {
                if (oldest.next().keepUntil() > now) {
                    break;
                }
                oldest.remove();
            }
            Sent first = stream.publishIds.get(idempotencyKey);
            if (first != null && first.keepUntil() > now) {
                return new Published(new RoomEvent(room, first.seq(), type, data, first.time(), stream.epoch), true);
            }
            RoomEvent event = locked.publish(type, data);
            stream.publishIds.remove(idempotencyKey); // an id past its window behind a longer-kept one goes last
            stream.publishIds.put(idempotencyKey, new Sent(event.seq(), event.time(), now + keep.toMillis()));
            return new Published(event, false);
        });
    }

    /**
     * Runs {@code step} holding the room's lock, the one every publish takes: a state change made there
     * and the events it publishes through {@link LockedRoom} are one atomic step, and listeners see
     * them in seq order. The presence and keyed-state stores keep their per-room state behind this lock.
     */
    public <T> T inRoom(String room, Function<LockedRoom, T> step) {
        while (true) {
            RoomStream stream = streams.computeIfAbsent(room, r -> new RoomStream());
            synchronized (stream) {
                if (streams.get(room) == stream) {
                    return step.apply(new LockedRoom(room, stream));
                }
                // forgotten as idle between the lookup and the lock: take the room's new stream
            }
        }
    }

    /** A room whose lock the caller holds; valid only inside {@link #inRoom}. */
    public final class LockedRoom {
        private final String room;
        private final RoomStream stream;

        private LockedRoom(String room, RoomStream stream) {
            this.room = room;
            this.stream = stream;
        }

        /** Gives the event the room's next seq, keeps it in the history and hands it to every listener. */
        public RoomEvent publish(String type, String data) {
            long now = settings.clock().millis();
            RoomEvent event = new RoomEvent(room, ++stream.seq, type, data, now, stream.epoch);
            stream.history.addLast(event);
            stream.touched = now;
            stream.lastEventAt = now;
            trim(stream, now);
            for (Consumer<RoomEvent> listener : listeners) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, e, () -> "listener failed on " + room + "#" + event.seq());
                }
            }
            return event;
        }

        /**
         * Publishes an event whose data names its own seq (a key's version): {@code data} gets the seq the event
         * will have.
         */
        public RoomEvent publish(String type, LongFunction<String> data) {
            return publish(type, data.apply(stream.seq + 1));
        }

        public StreamPosition position() {
            return new StreamPosition(stream.epoch, stream.seq);
        }
    }

    @Override
    public Replay replay(String room, long since, String epoch) {
        RoomStream stream = streams.computeIfAbsent(room, r -> new RoomStream());
        synchronized (stream) {
            long now = settings.clock().millis();
            trim(stream, now);
            return Replay.decide(stream.epoch, stream.seq, new ArrayList<>(stream.history), since, epoch,
                    now - settings.historyTtl().toMillis());
        }
    }

    @Override
    public StreamPosition position(String room) {
        return inRoom(room, LockedRoom::position);
    }

    @Override
    public OptionalLong lastEventAt(String room) {
        RoomStream stream = streams.get(room);
        long last = stream == null ? 0 : stream.lastEventAt;
        return last == 0 ? OptionalLong.empty() : OptionalLong.of(last);
    }

    @Override
    public void release(String room) {
        RoomStream stream = streams.get(room);
        if (stream != null) {
            // removed under the lock, as forgetIdleRooms does, so whoever holds a room's lock holds its current stream
            synchronized (stream) {
                streams.remove(room, stream);
            }
        }
    }

    @Override
    public void listen(Consumer<RoomEvent> listener) {
        listeners.add(listener);
    }

    /**
     * Forgets rooms nobody published to or asked about for longer than the idle TTL.
     *
     * @return how many rooms were forgotten
     */
    public int forgetIdleRooms() {
        long cutoff = settings.clock().millis() - settings.streamIdleTtl().toMillis();
        int forgotten = 0;
        for (Map.Entry<String, RoomStream> entry : streams.entrySet()) {
            RoomStream stream = entry.getValue();
            // removed under the lock, so whoever holds a room's lock holds its current stream (see inRoom)
            synchronized (stream) {
                if (stream.touched < cutoff && streams.remove(entry.getKey(), stream)) {
                    forgotten++;
                }
            }
        }
        return forgotten;
    }

    public EngineSettings settings() {
        return settings;
    }

    /** Rooms currently held. */
    public int rooms() {
        return streams.size();
    }

    /** Stops delivering: the engine is closing. */
    public void close() {
        listeners.clear();
    }

    private void trim(RoomStream stream, long now) {
        long oldest = now - settings.historyTtl().toMillis();
        while (!stream.history.isEmpty()
                && (stream.history.size() > settings.historySize() || stream.history.peekFirst().time() < oldest)) {
            stream.history.removeFirst();
        }
    }

    private record Sent(long seq, long time, long keepUntil) {
    }

    private final class RoomStream {
        final String epoch = UUID.randomUUID().toString().substring(0, 8);
        final ArrayDeque<RoomEvent> history = new ArrayDeque<>();
        long seq;
        long touched = settings.clock().millis();
        /** Idempotency keys of publishOnce, with what they published, until they are kept no longer; oldest first. */
        final Map<String, Sent> publishIds = new LinkedHashMap<>();
        /** Written under the stream's lock, read without it by {@link #lastEventAt}; 0 before the first event. */
        volatile long lastEventAt;
    }
}
