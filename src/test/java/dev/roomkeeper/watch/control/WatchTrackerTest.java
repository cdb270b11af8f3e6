package dev.roomkeeper.watch.control;

import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.memory.MemoryKeyedStateStore;
import dev.roomkeeper.engine.memory.MemoryStreamBroker;
import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.testing.MutableClock;
import dev.roomkeeper.watch.entity.CreditRow;
import dev.roomkeeper.watch.entity.ViewerCounts;
import dev.roomkeeper.watch.entity.WatchRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracker on the in-process keyed store, with two trackers standing for two nodes sharing it and a clock the
 * test moves: compare-and-set keeps accrual, viewer counts and credit takes exact when the nodes act at once.
 */
class WatchTrackerTest {

    static final String ROOM = "room-1";
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    final WatchSettings settings = new WatchSettings(Duration.ofSeconds(30), Duration.ofMinutes(2),
            Duration.ofSeconds(30), Duration.ofSeconds(1), 100, 10);
    KeyedStateStore store;
    Meters metersA;
    Meters metersB;
    WatchTracker nodeA;
    WatchTracker nodeB;

    @BeforeEach
    void nodes() {
        store = new MemoryKeyedStateStore(new MemoryStreamBroker(EngineSettings.defaults()), clock);
        metersA = Meters.inMemory();
        metersB = Meters.inMemory();
        nodeA = new WatchTracker(over(store), settings, metersA, clock);
        nodeB = new WatchTracker(over(store), settings, metersB, clock);
    }

    /** The primitive as features see it, straight on the store (no stream accounting). */
    static KeyedState over(KeyedStateStore store) {
        return new KeyedState() {
            @Override
            public KeyedResult apply(KeyedWrite write, KeyedLimits limits) {
                return store.apply(write, limits);
            }

            @Override
            public Optional<KeyedEntry> get(String room, String space, String key) {
                return store.get(room, space, key);
            }

            @Override
            public KeyedSnapshot snapshot(String room, String space, String prefix) {
                return store.snapshot(room, space, prefix == null ? "" : prefix);
            }

            @Override
            public void release(String room, String space) {
                store.release(room, space);
            }
        };
    }

    private WatchRecord stored(String user) {
        return WatchRecord.fromJson(store.get(ROOM, WatchTracker.SPACE, user).orElseThrow().value());
    }

    private long published() {
        return metersA.counter("roomkeeper.watch.viewers.published").count()
                + metersB.counter("roomkeeper.watch.viewers.published").count();
    }

    @Test
    void twoTabsOfOneUserBeatingAtOnceOnTwoNodesAccrueOnce() throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        long start = clock.millis();
        for (int round = 0; round < 50; round++) {
            CompletableFuture<WatchRecord> a = CompletableFuture.supplyAsync(() -> {
                await(together);
                return nodeA.heartbeat(ROOM, "ada", "tab-a", true);
            });
            CompletableFuture<WatchRecord> b = CompletableFuture.supplyAsync(() -> {
                await(together);
                return nodeB.heartbeat(ROOM, "ada", "tab-b", true);
            });
            a.get();
            b.get();
            clock.advance(Duration.ofSeconds(10));
        }
        clock.advance(Duration.ofSeconds(-10));
        assertEquals(clock.millis() - start, stored("ada").watchedMs(), "the wall time, once");
        assertEquals(2, stored("ada").tabs().size());
    }

    @Test
    void aHeartbeatRepeatedWithinAQuarterIntervalWritesNothing() {
        nodeA.heartbeat(ROOM, "ada", "tab-a", true);
        long version = store.get(ROOM, WatchTracker.SPACE, "ada").orElseThrow().version();
        clock.advance(Duration.ofSeconds(5));
        WatchRecord answered = nodeB.heartbeat(ROOM, "ada", "tab-a", true);
        assertEquals(5, answered.seconds(), "answered as it stands now");
        assertEquals(version, store.get(ROOM, WatchTracker.SPACE, "ada").orElseThrow().version(), "no write, no event");
        nodeB.heartbeat(ROOM, "ada", "tab-a", false);
        assertNotEquals(version, store.get(ROOM, WatchTracker.SPACE, "ada").orElseThrow().version(), "a change writes");
        assertEquals(5, stored("ada").seconds());
        assertFalse(stored("ada").active());
    }

    @Test
    void eachChangeOfTheViewerCountsIsPublishedOnceWhicheverNodesCount() {
        nodeA.heartbeat(ROOM, "ada", "tab-a", true);
        nodeB.heartbeat(ROOM, "bob", "tab-b", false);
        nodeA.refresh(ROOM);
        nodeB.refresh(ROOM);
        assertEquals(1, published());
        assertEquals(new ViewerCounts(2, 1, 0, clock.millis()), nodeB.viewers(ROOM));

        clock.advance(Duration.ofMillis(500));
        nodeB.refresh(ROOM);
        nodeA.refresh(ROOM);
        assertEquals(1, published(), "within the viewers interval: nothing");

        clock.advance(Duration.ofMillis(1_500)); // ada has watched 2 s: the average is 1
        nodeB.refresh(ROOM);
        nodeA.refresh(ROOM);
        assertEquals(2, published());
        assertEquals(1, nodeA.viewers(ROOM).averageWatchSeconds());
    }

    @Test
    void aSilentViewerStopsAccruingAfterTheGraceAndDropsOutAfterTheWindow() {
        nodeA.heartbeat(ROOM, "ada", "tab-a", true);
        nodeB.heartbeat(ROOM, "bob", "tab-b", true);
        for (int s = 0; s < 150; s += 10) {
            clock.advance(Duration.ofSeconds(10));
            nodeB.heartbeat(ROOM, "bob", "tab-b", true);
            nodeA.refresh(ROOM);
        }
        WatchRecord ada = stored("ada");
        assertEquals(60, ada.seconds(), "the grace after the last heartbeat");
        assertFalse(ada.active());
        assertEquals(List.of(), ada.tabs(), "silent past the window: dropped");
        assertEquals(new ViewerCounts(1, 1, 150, clock.millis()), nodeA.viewers(ROOM));
    }

    @Test
    void aUsersCreditIsTakenAtMostOncePerIntervalAcrossNodes() {
        nodeA.heartbeat(ROOM, "ada", "tab-a", true);
        clock.advance(Duration.ofSeconds(40));
        nodeA.heartbeat(ROOM, "ada", "tab-a", true);
        List<CreditRow> taken = nodeA.take(ROOM, 30_000).rows();
        assertEquals(1, taken.size());
        assertEquals(40_000, taken.get(0).watchedMs());
        assertEquals(List.of(), nodeB.take(ROOM, 30_000).rows(), "taken already");
        clock.advance(Duration.ofSeconds(10));
        nodeB.heartbeat(ROOM, "ada", "tab-a", true);
        WatchTracker.Taken early = nodeB.take(ROOM, 30_000);
        assertEquals(List.of(), early.rows(), "taken 10 s ago");
        assertEquals(10_000, early.oldestLeftMs(), "the lag: the oldest watch time not taken");
        clock.advance(Duration.ofSeconds(20));
        nodeB.heartbeat(ROOM, "ada", "tab-a", true);
        assertEquals(70_000, nodeB.take(ROOM, 30_000).rows().get(0).watchedMs());
        assertEquals(List.of(), nodeA.take(ROOM, 0).rows(), "nothing pending");
    }

    @Test
    void clearingHandsTheCreditOverAndALaterHeartbeatStartsANewRun() {
        nodeA.heartbeat(ROOM, "ada", "tab-a", true);
        clock.advance(Duration.ofSeconds(20));
        String run = nodeA.heartbeat(ROOM, "ada", "tab-a", true).run();
        clock.advance(Duration.ofSeconds(5));
        WatchTracker.Cleared cleared = nodeB.clear(ROOM);
        assertEquals(1, cleared.records());
        assertEquals(List.of(new CreditRow(ROOM, "ada", run, 25_000, clock.millis() - 25_000, clock.millis())), cleared.rows());
        assertTrue(nodeA.records(ROOM).isEmpty());
        assertNotEquals(run, nodeA.heartbeat(ROOM, "ada", "tab-a", true).run());
        assertEquals(0, stored("ada").watchedMs());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
