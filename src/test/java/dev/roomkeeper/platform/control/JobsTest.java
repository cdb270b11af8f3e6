package dev.roomkeeper.platform.control;

import dev.roomkeeper.platform.entity.JobStatus;
import dev.roomkeeper.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job registry: what each run records, one run at a time, and a failed run still being a run. */
class JobsTest {

    private static final Logger JOB_LOG = Logger.getLogger(Job.class.getName());
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    private final Meters metrics = Meters.inMemory();
    private final MutableClock clock = new MutableClock(T);
    private final Jobs jobs = new Jobs(metrics, clock);
    private final Job sweep = jobs.register("presence-sweep", Duration.ofSeconds(1));
    private final Level level = JOB_LOG.getLevel();

    JobsTest() {
        JOB_LOG.setLevel(Level.OFF);
    }

    @AfterEach
    void restoreLogging() {
        JOB_LOG.setLevel(level);
    }

    private long counter(String name) {
        return metrics.counter("roomkeeper.job." + name, "job", "presence-sweep").count();
    }

    private double gauge(String name) {
        return metrics.gauge("roomkeeper.job." + name, "job", "presence-sweep");
    }

    @Test
    void aRunIsCountedAndTheTimeItEndedIsKept() {
        assertEquals(0.0, gauge("last.run.seconds"), "never run");
        assertEquals(1.0, gauge("period.seconds"));

        sweep.run(() -> clock.advance(Duration.ofMillis(1500)));

        assertEquals(1, counter("runs"));
        assertEquals(0, counter("failures"));
        assertEquals(T.plusMillis(1500).toEpochMilli() / 1000d, gauge("last.run.seconds"));
        assertTrue(gauge("last.duration.seconds") >= 0);
        assertEquals(0.0, gauge("running"));
        assertEquals(new JobStatus("presence-sweep", Duration.ofSeconds(1), T.toEpochMilli(),
                T.plusMillis(1500).toEpochMilli(), 0, 1, 0), sweep.status());
    }

    @Test
    void whileARunIsGoingOnTheJobIsRunningAndAnotherTurnIsSkipped() {
        Optional<String> outer = sweep.call(run -> {
            assertEquals(1.0, gauge("running"));
            assertEquals(T.toEpochMilli(), sweep.status().runningSince());
            assertEquals(Optional.empty(), sweep.call(inner -> "ran twice"), "no second run at once");
            sweep.run(() -> {
                throw new AssertionError("a skipped turn does not run");
            });
            return "ran";
        });

        assertEquals(Optional.of("ran"), outer);
        assertEquals(1, counter("runs"), "the skipped turns are not runs");
        assertFalse(sweep.status().running());
        assertEquals(0.0, gauge("running"));
    }

    @Test
    void aRunThatFailsIsStillARunAndTheNextOneGoesOn() {
        sweep.run(() -> {
            throw new IllegalStateException("Redis down");
        });
        assertEquals(1, counter("runs"));
        assertEquals(1, counter("failures"));
        assertEquals(T.toEpochMilli(), sweep.status().lastEnded(), "a failed run counts as the job having run");

        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> sweep.call(run -> {
            throw new IllegalStateException("database down");
        }));
        assertEquals("database down", thrown.getMessage(), "call hands the failure back");
        assertEquals(Optional.of(7), sweep.call(run -> {
            run.failed(); // a batch failed, the work handled it
            return 7;
        }));
        sweep.run(() -> { });

        assertEquals(4, counter("runs"));
        assertEquals(3, counter("failures"));
        assertEquals(0.0, gauge("running"));
    }

    @Test
    void namesAreKebabCaseAndRegisteredOnceAndPeriodsArePositive() {
        for (String name : new String[]{"PresenceSweep", "presence_sweep", "-sweep", "sweep-", "", null}) {
            assertThrows(IllegalArgumentException.class, () -> jobs.register(name, Duration.ofSeconds(1)), name);
        }
        assertThrows(IllegalArgumentException.class, () -> jobs.register("presence-sweep", Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> jobs.register("sse-sweep", Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> jobs.register("sse-sweep", Duration.ofSeconds(-1)));
        assertEquals(List.of("presence-sweep"), jobs.statuses().stream().map(JobStatus::name).toList());
    }

    @Test
    void everyJobIsListedByNameWithItsOwnMetrics() {
        Job flush = jobs.register("activity-flush", Duration.ofSeconds(30));
        flush.run(() -> { });

        assertEquals(List.of("activity-flush", "presence-sweep"), jobs.statuses().stream().map(JobStatus::name).toList());
        assertSame("activity-flush", flush.name());
        assertEquals(1, metrics.counter("roomkeeper.job.runs", "job", "activity-flush").count());
        assertEquals(0, counter("runs"));
        assertEquals(30.0, metrics.gauge("roomkeeper.job.period.seconds", "job", "activity-flush"));
        assertEquals(T.toEpochMilli(), jobs.now());
    }
}
