package dev.roomkeeper.engine.control;

import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.stream.entity.StreamPosition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The in-process engine: one node, nothing to install. Each room's counter and history sit behind
 * the room's own lock; listeners are called under that lock, so they see every room's events in seq
 * order and must only hand them on (never block).
 */
public class MemoryEngine implements Engine {

    private static final Logger LOG = Logger.getLogger(MemoryEngine.class.getName());

    private final EngineSettings settings;
    private final Map<String, RoomStream> streams = new ConcurrentHashMap<>();
    private final List<Consumer<RoomEvent>> listeners = new CopyOnWriteArrayList<>();

    public MemoryEngine(EngineSettings settings) {
        this.settings = settings;
    }

    @Override
    public RoomEvent publish(String room, String type, String data) {
        RoomStream stream = streams.computeIfAbsent(room, r -> new RoomStream());
        synchronized (stream) {
            long now = settings.clock().millis();
            RoomEvent event = new RoomEvent(room, ++stream.seq, type, data, now);
            stream.history.addLast(event);
            stream.touched = now;
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
        RoomStream stream = streams.computeIfAbsent(room, r -> new RoomStream());
        synchronized (stream) {
            return new StreamPosition(stream.epoch, stream.seq);
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
        int before = streams.size();
        streams.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().touched < cutoff;
            }
        });
        return before - streams.size();
    }

    /** Rooms currently held. */
    public int rooms() {
        return streams.size();
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
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

    private final class RoomStream {
        final String epoch = UUID.randomUUID().toString().substring(0, 8);
        final ArrayDeque<RoomEvent> history = new ArrayDeque<>();
        long seq;
        long touched = settings.clock().millis();
    }
}
