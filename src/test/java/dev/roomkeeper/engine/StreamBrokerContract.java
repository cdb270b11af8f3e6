package dev.roomkeeper.engine;

import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.stream.control.StreamBroker;
import dev.roomkeeper.stream.entity.Published;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.testing.MutableClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every engine's room stream promises. Each engine's test extends this and says how to make an engine.
 */
public abstract class StreamBrokerContract {

    protected static final int HISTORY = 20;

    protected MutableClock clock;
    /** The first node's room stream. */
    protected StreamBroker engine;
    /** The first node's engine. */
    protected Engine backend;
    protected final List<Engine> opened = new ArrayList<>();

    /** A new engine; engines made by one test share their backing store, as nodes of one cluster do. */
    protected abstract Engine newEngine(EngineSettings settings);

    /** Another node's room stream. */
    protected StreamBroker open() {
        return openEngine().stream();
    }

    protected Engine openEngine() {
        Engine e = newEngine(new EngineSettings(HISTORY, Duration.ofMinutes(5), Duration.ofHours(1), clock));
        opened.add(e);
        return e;
    }

    protected static String room() {
        return "room-" + UUID.randomUUID();
    }

    @BeforeEach
    void openFirstNode() {
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        backend = openEngine();
        engine = backend.stream();
    }

    @AfterEach
    void closeEngines() {
        opened.forEach(Engine::close);
    }

    @Test
    void seqStartsAtOneAndIncreasesWithoutGapsPerRoom() {
        String a = room();
        String b = room();
        assertEquals(1, engine.publish(a, "t", "{}").seq());
        assertEquals(2, engine.publish(a, "t", "{}").seq());
        assertEquals(1, engine.publish(b, "t", "{}").seq());
        assertEquals(3, engine.publish(a, "t", "{}").seq());
        assertEquals(3, engine.position(a).seq());
        assertEquals(1, engine.position(b).seq());
    }

    @Test
    void unknownRoomIsAtSeqZeroWithAStableEpoch() {
        String r = room();
        var first = engine.position(r);
        assertEquals(0, first.seq());
        assertEquals(first.epoch(), engine.position(r).epoch());
        engine.publish(r, "t", "{}");
        assertEquals(first.epoch(), engine.position(r).epoch());
    }

    @Test
    void publishedEventKeepsTypeDataAndServerTime() {
        String r = room();
        String data = "{\"text\":\"héllo \\\"world\\\"\\nline\",\"n\":[1,2,3]}";
        RoomEvent published = engine.publish(r, "chat.message", data);
        Replay replay = engine.replay(r, 0, null);
        assertTrue(replay.recovered());
        RoomEvent stored = replay.events().get(0);
        assertEquals(published, stored);
        assertEquals("chat.message", stored.type());
        assertEquals(data, stored.data());
        assertEquals(clock.millis(), stored.time());
        assertEquals(engine.position(r).epoch(), stored.epoch(), "every event names its stream's epoch");
    }

    @Test
    void listenerSeesEveryEventOnceInSeqOrderUnderConcurrentPublishers() throws Exception {
        String r = room();
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        engine.listen(e -> {
            if (e.room().equals(r)) {
                seen.add(e.seq());
            }
        });
        int threads = 4;
        int each = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < each; i++) {
                    engine.publish(r, "t", "{}");
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        awaitTrue(() -> seen.size() >= threads * each, "all events delivered");
        assertEquals(LongStream.rangeClosed(1, threads * each).boxed().toList(), List.copyOf(seen));
    }

    @Test
    void replayReturnsExactlyTheMissedEventsInOrder() {
        String r = room();
        for (int i = 0; i < 10; i++) {
            engine.publish(r, "t", "{\"i\":" + i + "}");
        }
        Replay replay = engine.replay(r, 6, engine.position(r).epoch());
        assertTrue(replay.recovered());
        assertEquals(10, replay.seq());
        assertEquals(List.of(7L, 8L, 9L, 10L), replay.events().stream().map(RoomEvent::seq).toList());
        assertEquals("{\"i\":6}", replay.events().get(0).data());
    }

    @Test
    void replayFromTheLatestSeqIsRecoveredAndEmpty() {
        String r = room();
        engine.publish(r, "t", "{}");
        Replay replay = engine.replay(r, 1, null);
        assertTrue(replay.recovered());
        assertTrue(replay.events().isEmpty());
    }

    @Test
    void gapOlderThanTheHistorySizeIsNotRecovered() {
        String r = room();
        for (int i = 0; i < HISTORY + 5; i++) {
            engine.publish(r, "t", "{}");
        }
        assertFalse(engine.replay(r, 2, null).recovered());
        Replay recent = engine.replay(r, 5, null);
        assertTrue(recent.recovered(), "the last " + HISTORY + " events are kept");
        assertEquals(HISTORY, recent.events().size());
    }

    @Test
    void eventsOlderThanTheHistoryTtlAreNotReplayed() {
        String r = room();
        engine.publish(r, "t", "{}");
        clock.advance(Duration.ofMinutes(6));
        engine.publish(r, "t", "{}");
        assertFalse(engine.replay(r, 0, null).recovered());
        assertTrue(engine.replay(r, 1, null).recovered());
    }

    @Test
    void wrongEpochOrFutureSeqIsNotRecovered() {
        String r = room();
        engine.publish(r, "t", "{}");
        String epoch = engine.position(r).epoch();
        assertFalse(engine.replay(r, 0, "not-" + epoch).recovered());
        assertFalse(engine.replay(r, 5, epoch).recovered());
        assertFalse(engine.replay(r, -1, epoch).recovered());
        Replay ok = engine.replay(r, 0, epoch);
        assertTrue(ok.recovered());
        assertEquals(epoch, ok.epoch());
    }

    @Test
    void lastEventAtIsTheTimeOfTheRoomsLatestEvent() {
        String r = room();
        assertEquals(OptionalLong.empty(), engine.lastEventAt(r), "a room that never published");
        engine.position(r);
        assertEquals(OptionalLong.empty(), engine.lastEventAt(r), "asking for a position publishes nothing");
        engine.publish(r, "t", "{}");
        clock.advance(Duration.ofSeconds(7));
        long latest = clock.millis();
        engine.publish(r, "t", "{\"text\":\"two\\nlines\"}\n");
        assertEquals(OptionalLong.of(latest), engine.lastEventAt(r));
        clock.advance(Duration.ofMinutes(10)); // past the history TTL: the events are no longer replayable...
        assertFalse(engine.replay(r, 0, null).recovered());
        assertEquals(OptionalLong.of(latest), engine.lastEventAt(r), "...but the room still knows its last event");
        assertEquals(OptionalLong.empty(), engine.lastEventAt(room()), "rooms are independent");
    }

    @Test
    void aPublishIdPublishesOnceAndItsRetryAnswersTheFirstEvent() {
        String r = room();
        StreamBroker other = engine;
        Duration keep = Duration.ofMinutes(5);
        Published first = engine.publishOnce(r, "message", "{\"n\":1}", "5:alice:p1", keep);
        clock.advance(Duration.ofSeconds(1));
        Published retry = other.publishOnce(r, "message", "{\"n\":1}", "5:alice:p1", keep);
        Published next = other.publishOnce(r, "message", "{\"n\":2}", "5:alice:p2", keep);
        Published elsewhere = engine.publishOnce(room(), "message", "{\"n\":1}", "5:alice:p1", keep);

        assertFalse(first.duplicate());
        assertTrue(retry.duplicate(), "the retry publishes nothing");
        assertEquals(first.event().seq(), retry.event().seq());
        assertEquals(first.event().epoch(), retry.event().epoch());
        assertEquals(first.event().time(), retry.event().time(), "the first attempt's time");
        assertFalse(next.duplicate());
        assertEquals(first.event().seq() + 1, next.event().seq());
        assertFalse(elsewhere.duplicate(), "ids are per room");
        Replay replay = engine.replay(r, 0, null);
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), replay.events().stream().map(RoomEvent::data).toList(),
                "each id published once");
    }

    @Test
    void releaseForgetsTheStreamAndALaterPublishStartsANewOne() {
        String r = room();
        engine.publish(r, "t", "{}");
        engine.publish(r, "room.closed", "{}");
        String epoch = engine.position(r).epoch();

        engine.release(r);

        assertEquals(OptionalLong.empty(), engine.lastEventAt(r));
        assertEquals(0, engine.position(r).seq());
        assertNotEquals(epoch, engine.position(r).epoch());
        assertFalse(engine.replay(r, 0, epoch).recovered(), "the old epoch is gone");
        RoomEvent restarted = engine.publish(r, "t", "{}");
        assertEquals(1, restarted.seq());
        assertEquals(engine.position(r).epoch(), restarted.epoch(), "the new stream's events carry its epoch");
        engine.release(room()); // releasing an unknown room does nothing
    }

    @Test
    void roomsAreIndependentStreams() {
        String a = room();
        String b = room();
        engine.publish(a, "a", "{}");
        engine.publish(b, "b", "{}");
        engine.publish(a, "a", "{}");
        assertEquals(List.of("a", "a"), engine.replay(a, 0, null).events().stream().map(RoomEvent::type).toList());
        assertEquals(List.of("b"), engine.replay(b, 0, null).events().stream().map(RoomEvent::type).toList());
        assertNotEquals(engine.position(a).epoch(), null);
    }

    /** Per-room order and exactly-once delivery hold for many rooms at once. */
    @Test
    void eachRoomIsDeliveredInOrderWhenManyRoomsInterleave() throws Exception {
        Map<String, List<Long>> seen = new ConcurrentHashMap<>();
        engine.listen(e -> seen.computeIfAbsent(e.room(), k -> Collections.synchronizedList(new ArrayList<>())).add(e.seq()));
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            rooms.add(room());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    for (String r : rooms) {
                        engine.publish(r, "t", "{}");
                    }
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        awaitTrue(() -> rooms.stream().allMatch(r -> seen.getOrDefault(r, List.of()).size() >= 200), "all delivered");
        for (String r : rooms) {
            assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), List.copyOf(seen.get(r)), r);
        }
    }

    protected static void awaitTrue(BooleanSupplier condition, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(condition::getAsBoolean);
    }
}
