package dev.roomkeeper.engine.redis;

import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.stream.control.StreamBroker;
import dev.roomkeeper.stream.entity.Published;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.stream.entity.StreamPosition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The room stream for any number of nodes sharing one Redis: per-room seq, epoch and history live in
 * Redis, and every event reaches every node through one pub/sub channel.
 * <p>
 * A publish is one Lua script ({@code stream-publish.lua}, whose {@code publish_event} every publishing script
 * of the other stores includes), so the seq, the history entry and the single PUBLISH of an event happen
 * atomically and in the same order for every node. Listeners are
 * called on the subscriber thread ({@link RedisSubscriber}), one event at a time, every room in seq order, and must only hand
 * the events on (never block). A node's own events reach its listeners through Redis too: that keeps
 * one ordered path per room instead of local events overtaking remote ones with lower seqs.
 * <p>
 * Each node remembers per room the last seq it delivered. A later seq than the next one means events
 * were missed (the subscription dropped): they are fetched from the room's history and delivered
 * first; earlier seqs are duplicates and dropped. After a reconnect the node checks every room it
 * remembers. What is no longer in the history cannot be delivered; it is logged, and clients notice
 * the jump in seq and resubscribe with a replay, which then tells them to take a snapshot.
 * See {@code src/docs/engine-redis.md}.
 */
public class RedisStreamBroker implements StreamBroker {

    private static final Logger LOG = Logger.getLogger(RedisStreamBroker.class.getName());

    private static final Duration MAX_SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final EngineSettings settings;
    private final RedisClient redis;
    private final String channel;
    private final RedisScript publishScript = RedisScript.load("stream-publish.lua");
    private final RedisScript readScript = RedisScript.load("stream-read.lua");
    private final RedisScript lastEventScript = RedisScript.load("stream-last-event.lua");
    private final List<Consumer<RoomEvent>> listeners = new CopyOnWriteArrayList<>();

    /** Per room, what this node delivered last; written only by the subscriber thread. */
    private final Map<String, Delivered> deliveredUpTo = new ConcurrentHashMap<>();
    private final long sweepInterval;
    private long lastSweep;

    private final LongAdder published = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder gapEventsFetched = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final RedisSubscriber subscriber;

    /**
     * Connects, starts the subscriber on a thread from {@code threadFactory} and waits up to the
     * connect timeout for its subscription, so that this node's listeners see the events it publishes
     * from now on. An unreachable Redis does not fail construction: the engine reports unhealthy and
     * keeps reconnecting.
     */
    public RedisStreamBroker(RedisClient redis, ThreadFactory threadFactory) {
        this.redis = redis;
        this.settings = redis.settings();
        this.channel = redis.channel();
        this.sweepInterval = Math.min(settings.historyTtl().toMillis(), MAX_SWEEP_INTERVAL.toMillis());
        this.lastSweep = settings.clock().millis();
        redis.load(List.of(publishScript, readScript, lastEventScript));
        this.subscriber = new RedisSubscriber(redis, threadFactory, this::onSubscribed, this::onEvent);
        subscriber.awaitFirstSubscription();
    }

    @Override
    public RoomEvent publish(String room, String type, String data) {
        return publish(room, type, data, channel);
    }

    /** Publishes on {@code channel}; tests use another channel to make nodes miss events. */
    RoomEvent publish(String room, String type, String data, String channel) {
        StreamBroker.requireOneLine(room, "room");
        StreamBroker.requireOneLine(type, "type");
        String payload = data == null || data.isBlank() ? "{}" : data;
        long now = settings.clock().millis();
        List<?> reply = (List<?>) redis.run(publishScript, redis.streamKeys(room), List.of(RedisClient.newEpoch(),
                room, Long.toString(now), type, payload, Integer.toString(settings.historySize()),
                Long.toString(settings.streamIdleTtl().toMillis()), channel));
        published.increment();
        return new RoomEvent(room, (Long) reply.get(0), type, payload, now, (String) reply.get(1));
    }

    @Override
    public Published publishOnce(String room, String type, String data, String idempotencyKey, Duration keep) {
        StreamBroker.requireOneLine(room, "room");
        StreamBroker.requireOneLine(type, "type");
        String payload = data == null || data.isBlank() ? "{}" : data;
        long now = settings.clock().millis();
        List<String> keys = new ArrayList<>(redis.streamKeys(room));
        keys.add(redis.roomKey(room, "pub:" + idempotencyKey));
        List<?> reply = (List<?>) redis.run(publishScript, keys, List.of(RedisClient.newEpoch(), room,
                Long.toString(now), type, payload, Integer.toString(settings.historySize()),
                Long.toString(settings.streamIdleTtl().toMillis()), channel, Long.toString(Math.max(1, keep.toMillis()))));
        boolean duplicate = reply.size() > 3 && Long.valueOf(1).equals(reply.get(3));
        if (!duplicate) {
            published.increment();
        }
        return new Published(new RoomEvent(room, (Long) reply.get(0), type, payload,
                Long.parseLong((String) reply.get(2)), (String) reply.get(1)), duplicate);
    }

    @Override
    public Replay replay(String room, long since, String epoch) {
        Snapshot snapshot = read(room, true, Math.max(since, 0));
        List<RoomEvent> history = snapshot.history().stream()
                .filter(e -> e.epoch().equals(snapshot.epoch()))
                .map(WireEvent::event)
                .toList();
        long oldestTime = settings.clock().millis() - settings.historyTtl().toMillis();
        return Replay.decide(snapshot.epoch(), snapshot.seq(), history, since, epoch, oldestTime);
    }

    @Override
    public StreamPosition position(String room) {
        Snapshot snapshot = read(room, true, -1);
        return new StreamPosition(snapshot.epoch(), snapshot.seq());
    }

    @Override
    public OptionalLong lastEventAt(String room) {
        StreamBroker.requireOneLine(room, "room");
        Object time = redis.run(lastEventScript, List.of(redis.roomKey(room, "hist")), List.of());
        return time instanceof String millis ? OptionalLong.of(Long.parseLong(millis)) : OptionalLong.empty();
    }

    /** Deletes the room's seq, epoch and history keys in one command (they share a hash slot). */
    @Override
    public void release(String room) {
        StreamBroker.requireOneLine(room, "room");
        redis.call(p -> p.del(redis.streamKeys(room).toArray(String[]::new)));
    }

    @Override
    public void listen(Consumer<RoomEvent> listener) {
        listeners.add(listener);
    }

    /** True while the subscriber is subscribed (so this node receives every room's events). */
    public boolean subscribed() {
        return subscriber.subscribed();
    }

    /** Stops the subscriber (within a few seconds) and forgets the listeners; the client is closed by the engine. */
    public void close() {
        subscriber.close();
        listeners.clear();
    }

    /** Events this node published. */
    public long published() {
        return published.sum();
    }

    /** Events this node handed to its listeners (each event once, however many listeners). */
    public long delivered() {
        return delivered.sum();
    }

    /** Events this node missed on the channel and delivered from a room's history instead. */
    public long gapEventsFetched() {
        return gapEventsFetched.sum();
    }

    /** Times the subscriber subscribed again after losing its connection. */
    public long reconnects() {
        return reconnects.sum();
    }

    /** Rooms whose last delivered seq this node remembers. */
    public int trackedRooms() {
        return deliveredUpTo.size();
    }

    // ---- Redis commands

    // ---- Redis commands

    /**
     * @param create whether to give the room an epoch if it has none
     * @param since  history entries after this seq are wanted; negative for none
     */
    private Snapshot read(String room, boolean create, long since) {
        List<?> reply = (List<?>) redis.run(readScript, redis.streamKeys(room), List.of(
                create ? RedisClient.newEpoch() : "",
                Long.toString(settings.streamIdleTtl().toMillis()),
                since < 0 ? "" : Long.toString(since)));
        List<WireEvent> history = new ArrayList<>();
        for (Object entry : (List<?>) reply.get(2)) {
            history.add(WireEvent.decode((String) entry));
        }
        return new Snapshot((String) reply.get(0), (Long) reply.get(1), history);
    }

    /** The room's stream keys (for tests). */
    List<String> keys(String room) {
        return redis.streamKeys(room);
    }

    // ---- on the subscriber thread

    /** Runs on the subscriber thread when a subscription is confirmed; {@code again} after a lost one. */
    private void onSubscribed(boolean again) {
        if (again) {
            reconnects.increment();
            LOG.info(() -> "subscriber reconnected to " + redis.address() + "; catching up " + deliveredUpTo.size() + " rooms");
            catchUp();
        }
    }

    /** Runs on the subscriber thread for every message on the channel. */
    private void onEvent(String message) {
        WireEvent wire;
        try {
            wire = WireEvent.decode(message);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "ignored a message on " + channel, e);
            return;
        }
        RoomEvent event = wire.event();
        Delivered room = deliveredUpTo.get(event.room());
        if (room == null) {
            // first event of this room on this node: nothing earlier was meant for it
            room = new Delivered(wire.epoch(), event.seq() - 1);
            deliveredUpTo.put(event.room(), room);
        } else if (!wire.epoch().equals(room.epoch)) {
            if (wire.epoch().equals(room.retiredEpoch)) {
                return; // from before the stream restarted
            }
            room.restart(wire.epoch());
        }
        if (event.seq() <= room.last) {
            return; // already delivered from the history
        }
        if (event.seq() > room.last + 1) {
            fillFromHistory(event.room(), room, read(event.room(), false, room.last), event.seq() - 1);
        }
        deliver(room, event);
        sweepIfDue();
    }

    /** After a reconnect: delivers what every remembered room published while this node was away. */
    private void catchUp() {
        sweepIfDue();
        for (Map.Entry<String, Delivered> entry : deliveredUpTo.entrySet()) {
            String name = entry.getKey();
            Delivered room = entry.getValue();
            Snapshot snapshot = read(name, false, room.last);
            if (snapshot.epoch() == null) {
                continue; // expired or flushed; its next event starts a new epoch
            }
            if (!snapshot.epoch().equals(room.epoch)) {
                room.restart(snapshot.epoch());
                snapshot = read(name, false, 0);
            }
            fillFromHistory(name, room, snapshot, snapshot.seq());
        }
    }

    /** Delivers the history's events after {@code room.last} up to {@code upTo}, warning about any that are gone. */
    private void fillFromHistory(String name, Delivered room, Snapshot snapshot, long upTo) {
        for (WireEvent entry : snapshot.history()) {
            RoomEvent event = entry.event();
            if (!entry.epoch().equals(room.epoch) || event.seq() <= room.last || event.seq() > upTo) {
                continue;
            }
            if (event.seq() > room.last + 1) {
                warnLost(name, room.last + 1, event.seq() - 1);
            }
            gapEventsFetched.increment();
            deliver(room, event);
        }
        if (room.last < upTo) {
            warnLost(name, room.last + 1, upTo);
        }
    }

    private void warnLost(String room, long from, long to) {
        LOG.warning(() -> "events " + from + ".." + to + " of room " + room
                + " were missed and are no longer in its history; its clients will see the jump in seq and resubscribe");
    }

    private void deliver(Delivered room, RoomEvent event) {
        room.last = event.seq();
        room.touched = settings.clock().millis();
        delivered.increment();
        for (Consumer<RoomEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "listener failed on " + event.room() + "#" + event.seq());
            }
        }
    }

    /** Forgets rooms idle for longer than the history TTL: a gap that old could not be filled anyway. */
    private void sweepIfDue() {
        long now = settings.clock().millis();
        if (now - lastSweep < sweepInterval) {
            return;
        }
        lastSweep = now;
        long cutoff = now - settings.historyTtl().toMillis();
        deliveredUpTo.values().removeIf(room -> room.touched < cutoff);
    }

    /** What this node delivered last in one room; touched only by the subscriber thread. */
    private final class Delivered {
        String epoch;
        String retiredEpoch;
        long last;
        long touched = settings.clock().millis();

        Delivered(String epoch, long last) {
            this.epoch = epoch;
            this.last = last;
        }

        void restart(String newEpoch) {
            retiredEpoch = epoch;
            epoch = newEpoch;
            last = 0;
        }
    }

    private record Snapshot(String epoch, long seq, List<WireEvent> history) {
    }
}
