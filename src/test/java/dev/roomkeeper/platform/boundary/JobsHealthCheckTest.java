package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.entity.JobStatus;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Liveness of the periodic jobs: DOWN only when a job's timer is dead or a run is stuck, never for a run that
 * fails. Times are given as minutes ago.
 */
class JobsHealthCheckTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long MINUTE = 60_000;
    private static final Duration EVERY_15_MINUTES = Duration.ofMinutes(15);

    /** A job registered {@code registeredAgo} minutes ago whose last run ended {@code endedAgo} ago (negative: never). */
    private static JobStatus job(Duration period, long registeredAgo, long endedAgo, long runningFor, long failures) {
        return new JobStatus("idle-room-sweep", period, NOW - registeredAgo * MINUTE,
                endedAgo < 0 ? 0 : NOW - endedAgo * MINUTE, runningFor == 0 ? 0 : NOW - runningFor * MINUTE,
                failures, failures);
    }

    private static boolean live(long registeredAgo, long endedAgo, long runningFor) {
        JobStatus job = job(EVERY_15_MINUTES, registeredAgo, endedAgo, runningFor, 0);
        return !JobsHealthCheck.late(job, NOW) && !JobsHealthCheck.stuck(job, NOW);
    }

    @Test
    void liveWhileTheTimerRunsTheJobAndNoRunIsStuck() {
        assertTrue(live(1, -1, 0), "just deployed, never run");
        assertTrue(live(54, -1, 0), "never run yet, within three periods and the slack of deployment");
        assertTrue(live(600, 14, 0));
        assertTrue(live(600, 54, 0), "three periods and some slack");
        assertTrue(live(600, 1, 100), "a long run, under two hours");
        assertTrue(live(600, 300, 100), "a long run is judged by how long it runs, not by how long ago the last ended");
    }

    @Test
    void downWhenTheTimerStoppedOrARunIsStuck() {
        assertFalse(live(600, 56, 0));
        assertFalse(live(56, -1, 0), "never run since deployment");
        assertFalse(live(600, 1, 121));
        JobStatus hourly = job(Duration.ofHours(1), 600, 1, 241, 0);
        assertTrue(JobsHealthCheck.stuck(hourly, NOW), "stuck beyond four periods when they are longer than two hours in all");
        assertFalse(JobsHealthCheck.stuck(job(Duration.ofHours(1), 600, 1, 239, 0), NOW));
    }

    @Test
    void aJobThatFailsEveryRunIsStillAlive() {
        JobStatus failing = job(Duration.ofSeconds(1), 600, 0, 0, 36_000);

        HealthCheckResponse response = JobsHealthCheck.check(List.of(failing), NOW);

        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals(36_000L, response.getData().orElseThrow().get("idle-room-sweep.failures"));
    }

    @Test
    void theResponseNamesEveryJobAndTheLateAndStuckOnes() {
        JobStatus presence = new JobStatus("presence-sweep", Duration.ofSeconds(1), NOW - 600 * MINUTE,
                NOW - 11 * MINUTE, 0, 40, 0);
        JobStatus flush = new JobStatus("activity-flush", Duration.ofSeconds(30), NOW - 600 * MINUTE,
                NOW - 500, 0, 40, 2);
        JobStatus sweep = job(EVERY_15_MINUTES, 600, 200, 130, 0);
        JobStatus fresh = new JobStatus("sse-sweep", Duration.ofSeconds(1), NOW - 1000, 0, 0, 0, 0);

        HealthCheckResponse response = JobsHealthCheck.check(List.of(flush, sweep, presence, fresh), NOW);

        assertEquals("roomkeeper-jobs", response.getName());
        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals("presence-sweep", data.get("late"));
        assertEquals("idle-room-sweep", data.get("stuck"));
        assertEquals(500L, data.get("activity-flush.lastRunAgoMs"));
        assertEquals(0L, data.get("activity-flush.runningForMs"));
        assertEquals(2L, data.get("activity-flush.failures"));
        assertEquals(130 * MINUTE, data.get("idle-room-sweep.runningForMs"));
        assertEquals(-1L, data.get("sse-sweep.lastRunAgoMs"), "never run");

        HealthCheckResponse healthy = JobsHealthCheck.check(List.of(flush, fresh), NOW);
        assertEquals(HealthCheckResponse.Status.UP, healthy.getStatus());
        assertFalse(healthy.getData().orElseThrow().containsKey("late"));
    }
}
