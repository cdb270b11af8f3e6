package dev.roomkeeper.rooms.boundary;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Liveness of the idle sweep: DOWN only when its timer is dead or a run is stuck, never for a failing run. */
class IdleSweepHealthCheckTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long MINUTE = 60_000;
    private static final Duration EVERY_15_MINUTES = Duration.ofMinutes(15);

    /** Live or not, with times given as minutes ago (negative: never). */
    private static boolean live(long deployedAgo, long firedAgo, long runningFor) {
        return IdleSweepHealthCheck.live(NOW, EVERY_15_MINUTES, firedAgo < 0 ? 0 : NOW - firedAgo * MINUTE,
                NOW - deployedAgo * MINUTE, runningFor == 0 ? 0 : NOW - runningFor * MINUTE);
    }

    @Test
    void liveWhileTheTimerFiresAndNoRunIsStuck() {
        assertTrue(live(1, -1, 0), "just deployed, never fired");
        assertTrue(live(600, 14, 0));
        assertTrue(live(600, 54, 0), "three intervals and some slack: a run that failed still fired");
        assertTrue(live(600, 1, 100), "a long run, under two hours");
    }

    @Test
    void downWhenTheTimerStoppedFiringOrARunIsStuck() {
        assertFalse(live(600, 56, 0));
        assertFalse(live(56, -1, 0), "never fired since deployment");
        assertFalse(live(600, 1, 121));
        assertFalse(IdleSweepHealthCheck.live(NOW, Duration.ofHours(1), NOW - MINUTE, 0, NOW - 241 * MINUTE),
                "stuck beyond four intervals when they are longer than two hours in all");
        assertTrue(IdleSweepHealthCheck.live(NOW, Duration.ofHours(1), NOW - MINUTE, 0, NOW - 239 * MINUTE));
    }
}
