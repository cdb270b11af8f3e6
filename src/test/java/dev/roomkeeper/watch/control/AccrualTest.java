package dev.roomkeeper.watch.control;

import dev.roomkeeper.watch.entity.ViewerCounts;
import dev.roomkeeper.watch.entity.WatchRecord;
import dev.roomkeeper.watch.entity.WatchRules;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accrual rules on explicit server times: no clock, no sleeps. */
class AccrualTest {

    /** heartbeats every 30 s: a tab accrues for up to 60 s after its last one; viewers count for 2 minutes */
    private static final WatchRules RULES = new WatchRules(60_000, 120_000, 4);
    private static final long T0 = 1_700_000_000_000L;

    private static WatchRecord beat(WatchRecord r, String tab, boolean visible, long at) {
        return Accrual.heartbeat(r, "run-1", tab, visible, at, RULES);
    }

    @Test
    void aVisibleTabAccruesTheTimeBetweenItsHeartbeats() {
        WatchRecord r = beat(null, "tab-a", true, T0);
        assertEquals(0, r.watchedMs());
        assertTrue(r.active());
        r = beat(r, "tab-a", true, T0 + 30_000);
        r = beat(r, "tab-a", true, T0 + 60_000);
        assertEquals(60_000, r.watchedMs());
        assertEquals(60, r.seconds());
    }

    @Test
    void twoVisibleTabsOfOneUserAccrueOnce() {
        WatchRecord r = beat(null, "tab-a", true, T0);
        r = beat(r, "tab-b", true, T0 + 5_000);
        for (long t = 30_000; t <= 300_000; t += 30_000) {
            r = beat(r, "tab-a", true, T0 + t);
            r = beat(r, "tab-b", true, T0 + t + 5_000);
        }
        assertEquals(305_000, r.watchedMs(), "the wall time from the first heartbeat to the last, once");
    }

    @Test
    void aHiddenTabAccruesNothing() {
        WatchRecord r = beat(null, "tab-a", false, T0);
        for (long t = 30_000; t <= 300_000; t += 30_000) {
            r = beat(r, "tab-a", false, T0 + t);
        }
        assertEquals(0, r.watchedMs());
        assertFalse(r.active());
    }

    @Test
    void aTabAccruesOnlyWhileVisibleAndAHiddenSecondTabAddsNothing() {
        WatchRecord r = beat(null, "tab-a", true, T0);
        r = beat(r, "tab-b", false, T0 + 1_000);
        r = beat(r, "tab-a", true, T0 + 30_000);
        r = beat(r, "tab-a", false, T0 + 40_000); // hidden: 40 s watched
        r = beat(r, "tab-b", false, T0 + 50_000);
        r = beat(r, "tab-a", false, T0 + 70_000);
        assertEquals(40_000, r.watchedMs());
        r = beat(r, "tab-b", true, T0 + 100_000); // the other tab shows
        r = beat(r, "tab-b", true, T0 + 130_000);
        assertEquals(70_000, r.watchedMs());
        assertTrue(r.active());
    }

    @Test
    void aSilentTabStopsAccruingAfterTheGrace() {
        WatchRecord r = beat(null, "tab-a", true, T0);
        WatchRecord later = Accrual.settle(r, T0 + 600_000, RULES);
        assertEquals(60_000, later.watchedMs(), "at most the grace after the last heartbeat");
        assertFalse(later.active());
        assertEquals(List.of(), later.tabs(), "silent past the active window: dropped");
        WatchRecord back = beat(later, "tab-a", true, T0 + 700_000);
        assertEquals(60_000, back.watchedMs(), "coming back accrues nothing for the silence");
        back = beat(back, "tab-a", true, T0 + 730_000);
        assertEquals(90_000, back.watchedMs());
    }

    @Test
    void settlingTwiceOrAtAnEarlierTimeChangesNothing() {
        WatchRecord r = beat(null, "tab-a", true, T0);
        WatchRecord once = Accrual.settle(r, T0 + 20_000, RULES);
        assertEquals(20_000, once.watchedMs());
        assertSame(once, Accrual.settle(once, T0 + 20_000, RULES));
        assertSame(once, Accrual.settle(once, T0 + 10_000, RULES), "a clock behind the record moves nothing back");
    }

    @Test
    void aHeartbeatFromANodeWhoseClockIsBehindAccruesNothingAndMovesNothingBack() {
        WatchRecord r = beat(null, "tab-a", true, T0);
        r = beat(r, "tab-a", true, T0 + 30_000);
        WatchRecord behind = beat(r, "tab-a", true, T0 + 25_000);
        assertEquals(30_000, behind.watchedMs());
        assertEquals(T0 + 30_000, behind.accruedTo());
    }

    @Test
    void accrualNeverExceedsTheWallTimeElapsedWhateverTheTabsDo() {
        Random random = new Random(12);
        for (int round = 0; round < 200; round++) {
            WatchRecord r = null;
            long t = T0;
            long start = T0;
            for (int i = 0; i < 100; i++) {
                t += random.nextInt(90_000);
                r = beat(r, "tab-" + random.nextInt(6), random.nextBoolean(), t);
                if (random.nextInt(5) == 0) {
                    r = Accrual.settle(r, t + random.nextInt(200_000), RULES);
                }
            }
            assertTrue(r.watchedMs() <= Math.max(t, r.accruedTo()) - start, "accrued " + r.watchedMs());
            assertTrue(r.tabs().size() <= RULES.maxTabs());
        }
    }

    @Test
    void theRecordSurvivesItsJson() {
        WatchRecord r = beat(beat(null, "tab-a", true, T0), "tab-\"b", false, T0 + 2_000).flushed(T0 + 3_000);
        assertEquals(r.withTabs(r.tabs()).toJson(), WatchRecord.fromJson(r.toJson()).toJson());
        assertEquals(r.watchedMs(), WatchRecord.fromJson(r.toJson()).watchedMs());
        assertTrue(r.toJson().startsWith("{\"seconds\":2,\"active\":true,"), r.toJson());
    }

    @Test
    void viewersAreTabsHeardWithinTheWindowAndActiveOnesAreVisible() {
        WatchRecord ada = beat(beat(null, "a1", true, T0), "a1", true, T0 + 60_000);   // 60 s, visible
        WatchRecord bob = beat(beat(null, "b1", false, T0), "b1", false, T0 + 60_000); // hidden
        WatchRecord cy = beat(null, "c1", true, T0);                                    // silent since T0
        ViewerCounts at = Accrual.count(List.of(ada, bob, cy), T0 + 100_000, RULES);
        assertEquals(new ViewerCounts(3, 2, 20, T0 + 100_000), at);
        ViewerCounts later = Accrual.count(List.of(ada, bob, cy), T0 + 150_000, RULES);
        assertEquals(new ViewerCounts(2, 1, 30, T0 + 150_000), later, "cy dropped out after two minutes");
        assertEquals(new ViewerCounts(0, 0, 0, T0 + 500_000), Accrual.count(List.of(ada, bob, cy), T0 + 500_000, RULES));
    }
}
