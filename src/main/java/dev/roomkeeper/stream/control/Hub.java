package dev.roomkeeper.stream.control;

import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * This node's subscriptions, by room. The engine hands it every event (in seq order per room); the hub
 * encodes each event once and offers it to the room's local subscriptions, which only queue it.
 */
@ApplicationScoped
public class Hub {

    @Inject
    StreamBroker engine;

    @Inject
    Meters metrics;

    private final Map<String, Set<RoomSubscription>> rooms = new ConcurrentHashMap<>();
    private final java.util.List<Consumer<RoomEvent>> beforeDelivery = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private Meters.Counter delivered;
    private Meters.Counter received;
    private Meters.Counter replayHits;
    private Meters.Counter replayMisses;

    @PostConstruct
    void init() {
        delivered = metrics.counter("roomkeeper.events.delivered");
        received = metrics.counter("roomkeeper.events.received");
        replayHits = metrics.counter("roomkeeper.replay", "result", "hit");
        replayMisses = metrics.counter("roomkeeper.replay", "result", "miss");
        metrics.gauge("roomkeeper.subscriptions", subscriptions, AtomicInteger::get);
        metrics.gauge("roomkeeper.subscribed.rooms", rooms, Map::size);
        engine.listen(this::dispatch);
    }

    /** Starts the hub with the application, so events flow before the first subscriber arrives. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // touching the bean runs @PostConstruct
        rooms.size();
    }

    /**
     * Subscribes a sink to a room, replaying from {@code since} when given.
     *
     * @param beforeEvents receives the replay decision before any event is sent (to send the ack)
     */
    public RoomSubscription subscribe(String room, EventSink sink, Long since, String epoch,
                                      Consumer<Replay> beforeEvents) {
        RoomSubscription subscription = new RoomSubscription(room, sink, engine);
        rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(subscription);
        subscriptions.incrementAndGet();
        Replay replay = subscription.start(since, epoch, beforeEvents);
        if (since != null) {
            (replay.recovered() ? replayHits : replayMisses).inc();
        }
        return subscription;
    }

    public void unsubscribe(RoomSubscription subscription) {
        subscription.close();
        rooms.computeIfPresent(subscription.room(), (r, set) -> {
            if (set.remove(subscription)) {
                subscriptions.decrementAndGet();
            }
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Runs {@code observer} on this node for every event of every room, before the event is offered to
     * the room's local subscriptions (so a cache the event makes stale is dropped before any client can
     * react to it, and a subscription that must end after the event is told so before it gets it). The
     * observer must only update memory, never block.
     */
    public void beforeDelivery(Consumer<RoomEvent> observer) {
        beforeDelivery.add(observer);
    }

    /** This node's subscriptions of a room. */
    public Set<RoomSubscription> subscriptionsOf(String room) {
        Set<RoomSubscription> local = rooms.get(room);
        return local == null ? Set.of() : Set.copyOf(local);
    }

    /** How many subscriptions this node holds. */
    public int subscriptions() {
        return subscriptions.get();
    }

    private void dispatch(RoomEvent event) {
        received.inc();
        runObservers(beforeDelivery, event, "before");
        Set<RoomSubscription> local = rooms.get(event.room());
        if (local != null && !local.isEmpty()) {
            OutboundEvent outbound = new OutboundEvent(event);
            int n = 0;
            for (RoomSubscription subscription : local) {
                subscription.offer(outbound);
                n++;
            }
            delivered.inc(n);
        }
    }

    private static void runObservers(java.util.List<Consumer<RoomEvent>> observers, RoomEvent event, String when) {
        for (Consumer<RoomEvent> observer : observers) {
            try {
                observer.accept(event);
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(Hub.class.getName()).log(java.util.logging.Level.WARNING, e,
                        () -> when + "-delivery observer failed on " + event.room() + "#" + event.seq());
            }
        }
    }
}
