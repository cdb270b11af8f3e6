package dev.roomkeeper.stream.control;

import dev.roomkeeper.engine.memory.MemoryStreamBroker;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomSubscriptionTest {

    static final String ROOM = "r1";

    MemoryStreamBroker engine;
    RecordingSink sink;

    @BeforeEach
    void setUp() {
        engine = new MemoryStreamBroker(new EngineSettings(5, Duration.ofMinutes(5), Duration.ofHours(1),
                new MutableClock(Instant.parse("2026-01-01T00:00:00Z"))));
        sink = new RecordingSink();
    }

    @Test
    void ackComesBeforeReplayedEventsWhichComeBeforeLiveOnes() {
        publish(3);
        RoomSubscription subscription = new RoomSubscription(ROOM, sink, engine);
        subscription.start(1L, null, replay -> sink.log.add("ack recovered=" + replay.recovered()));
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        assertEquals(List.of("ack recovered=true", "2", "3", "4"), sink.log);
    }

    @Test
    void eventsThatArriveDuringTheReplayAreSentOnceInOrder() {
        publish(2);
        RoomSubscription subscription = new RoomSubscription(ROOM, sink, engine);
        // published after registration but before the replay is read: buffered and also in history
        RoomEvent third = engine.publish(ROOM, "t", "{}");
        subscription.offer(new OutboundEvent(third));
        subscription.start(0L, null, replay -> sink.log.add("ack"));
        subscription.offer(new OutboundEvent(third));
        assertEquals(List.of("ack", "1", "2", "3"), sink.log);
    }

    @Test
    void withoutSinceOnlyNewEventsAreSentAndASnapshotIsRequired() {
        publish(3);
        RoomSubscription subscription = new RoomSubscription(ROOM, sink, engine);
        Replay replay = subscription.start(null, null, r -> sink.log.add("ack seq=" + r.seq()));
        assertFalse(replay.recovered());
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        assertEquals(List.of("ack seq=3", "4"), sink.log);
    }

    @Test
    void aGapInLiveEventsIsFilledFromHistory() {
        RoomSubscription subscription = new RoomSubscription(ROOM, sink, engine);
        subscription.start(null, null, r -> sink.log.add("ack"));
        engine.publish(ROOM, "t", "{}");
        engine.publish(ROOM, "t", "{}");
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        assertEquals(List.of("ack", "1", "2", "3"), sink.log);
    }

    @Test
    void aGapOlderThanHistoryAsksTheClientToResync() {
        RoomSubscription subscription = new RoomSubscription(ROOM, sink, engine);
        subscription.start(null, null, r -> sink.log.add("ack"));
        publish(9);
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        assertEquals(List.of("ack", "resync after 0"), sink.log);
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        assertEquals(2, sink.log.size(), "nothing is sent after a resync");
    }

    @Test
    void aDuplicateEventIsDropped() {
        RoomSubscription subscription = new RoomSubscription(ROOM, sink, engine);
        subscription.start(null, null, r -> { });
        OutboundEvent first = new OutboundEvent(engine.publish(ROOM, "t", "{}"));
        subscription.offer(first);
        subscription.offer(first);
        assertEquals(List.of("1"), sink.log);
    }

    @Test
    void subscriptionsStartingWhilePublishersRunNeitherDeadlockNorSkipOrRepeat() throws Exception {
        MemoryStreamBroker shared = new MemoryStreamBroker(new EngineSettings(100_000, Duration.ofMinutes(5), Duration.ofHours(1),
                java.time.Clock.systemUTC()));
        java.util.List<RoomSubscription> live = new java.util.concurrent.CopyOnWriteArrayList<>();
        // what the hub does: offer every event to the room's subscriptions, under the engine's room lock
        shared.listen(e -> live.forEach(sub -> sub.offer(new OutboundEvent(e))));
        java.util.List<RecordingSink> sinks = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
            for (int p = 0; p < 2; p++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 3_000; i++) {
                        shared.publish(ROOM, "t", "{}");
                    }
                }));
            }
            for (int t = 0; t < 2; t++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        RecordingSink recording = new RecordingSink();
                        RoomSubscription sub = new RoomSubscription(ROOM, recording, shared);
                        live.add(sub);
                        sub.start(0L, null, r -> recording.log.add("ack"));
                        sinks.add(recording);
                    }
                }));
            }
            for (var f : work) {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS); // a deadlock times out here
            }
        } finally {
            pool.shutdownNow();
        }
        for (RecordingSink sink : sinks) {
            List<String> log;
            synchronized (sink) {
                log = List.copyOf(sink.log);
            }
            assertEquals("ack", log.get(0));
            long expected = 1;
            for (String entry : log.subList(1, log.size())) {
                assertEquals(String.valueOf(expected++), entry, "contiguous, each seq once");
            }
        }
    }

    @Test
    void toldToEndAfterAnEventItSendsThatEventThenEndsOnceAndSendsNothingMore() {
        RoomSubscription subscription = new RoomSubscription(ROOM, sink, engine);
        subscription.start(null, null, r -> { });
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        subscription.endAfter(3, () -> sink.log.add("ended"));
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "member.removed", "{}")));
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        subscription.endAfter(3, () -> sink.log.add("ended again"));
        assertEquals(List.of("1", "2", "3", "ended"), sink.log);
    }

    @Test
    void toldToEndAfterAnEventItAlreadySentItEndsAtOnce() {
        RoomSubscription subscription = new RoomSubscription(ROOM, sink, engine);
        subscription.start(null, null, r -> { });
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        subscription.endAfter(1, () -> sink.log.add("ended"));
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        assertEquals(List.of("1", "2", "ended"), sink.log);
    }

    @Test
    void toldToEndBeforeItStartedItEndsAfterTheAnnouncingEventOfItsReplay() {
        publish(4);
        RoomSubscription subscription = new RoomSubscription(ROOM, sink, engine);
        subscription.endAfter(3, () -> sink.log.add("ended"));
        subscription.start(1L, null, r -> sink.log.add("ack"));
        assertEquals(List.of("ack", "2", "3", "ended"), sink.log);
    }

    @Test
    void toldToEndAtAnEventBeforeItsStartItEndsRightAfterTheAck() {
        publish(4);
        RoomSubscription subscription = new RoomSubscription(ROOM, sink, engine);
        subscription.endAfter(2, () -> sink.log.add("ended"));
        subscription.start(null, null, r -> sink.log.add("ack"));
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        assertEquals(List.of("ack", "ended"), sink.log);
    }

    @Test
    void aRestartedStreamIsNeverTakenForDuplicatesButAsksTheClientToResync() {
        RoomSubscription subscription = new RoomSubscription(ROOM, sink, engine);
        subscription.start(null, null, r -> sink.log.add("ack"));
        for (int i = 0; i < 3; i++) {
            subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));
        }
        String oldEpoch = subscription.epoch();
        engine.release(ROOM); // the engine lost the room's stream: the next event starts a new epoch at seq 1
        RoomEvent restarted = engine.publish(ROOM, "t", "{}");
        assertEquals(1, restarted.seq());
        assertFalse(oldEpoch.equals(restarted.epoch()));

        subscription.offer(new OutboundEvent(restarted));
        subscription.offer(new OutboundEvent(engine.publish(ROOM, "t", "{}")));

        assertEquals(List.of("ack", "1", "2", "3", "resync after 3 to a new epoch"), sink.log);
    }

    private void publish(int n) {
        for (int i = 0; i < n; i++) {
            engine.publish(ROOM, "t", "{}");
        }
    }

    static final class RecordingSink implements EventSink {
        final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public boolean send(OutboundEvent event) {
            log.add(String.valueOf(event.event().seq()));
            return true;
        }

        @Override
        public void resyncRequired(String room, long lastSeq, String epoch) {
            log.add("resync after " + lastSeq + (epoch == null ? "" : " to a new epoch"));
        }
    }
}
