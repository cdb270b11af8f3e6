package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.control.DatabaseFailure;
import dev.roomkeeper.platform.control.DatabaseUnavailableException;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.entity.ChangeKind;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.presence.entity.SessionState;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.testing.MutableClock;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.roomkeeper.presence.control.AttendanceBatchTest.ROOM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recorder built by hand: a writer that records or fails, in-memory counters, a real scheduler behind the managed one. */
class AttendanceRecorderTest {

    private static final Logger RECORDER_LOG = Logger.getLogger(AttendanceRecorder.class.getName());

    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    private final Meters meters = Meters.inMemory();
    private final List<AttendanceBatch> batches = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    /** Attempts that find the database unavailable, as the availability gate answers them. */
    private final AtomicInteger outagesLeft = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();
    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    private final AttendanceRecorder recorder = new AttendanceRecorder();
    private final Level level = RECORDER_LOG.getLevel();

    AttendanceRecorderTest() {
        RECORDER_LOG.setLevel(Level.OFF);
        recorder.writer = new AttendanceWriter() {
            @Override
            public void write(AttendanceBatch batch) {
                attempts.incrementAndGet();
                if (outagesLeft.getAndDecrement() > 0) {
                    throw new DatabaseUnavailableException(DatabaseFailure.UNREACHABLE, 2);
                }
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("a bug");
                }
                batches.add(batch);
            }
        };
        recorder.scheduler = managed(executor);
        recorder.metrics = meters;
        recorder.jobs = new Jobs(meters, Clock.systemUTC());
        recorder.backlogs = new Backlogs(meters, clock);
        recorder.capacity = 1000;
        recorder.flushEvery = Duration.ofHours(1);
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
        RECORDER_LOG.setLevel(level);
    }

    private static PresenceChange change(String session, ChangeKind kind, long joined, long at) {
        PresenceSession presence = new PresenceSession(session, "bob", "{}", SessionState.ONLINE, joined, joined + 30_000);
        return new PresenceChange(ROOM, "bob", presence, kind, kind.sessionEnded() ? LeaveReason.LEFT : null,
                new RoomEvent(ROOM, 1, kind.eventType(), "{}", at));
    }

    private long count(String name) {
        return meters.counter("roomkeeper.presence.attendance." + name).count();
    }

    private long job(String name) {
        return meters.counter("roomkeeper.job." + name, "job", "attendance-flush").count();
    }

    @Test
    void startsAndEndsAreWrittenInOneBatchOtherChangesIgnored() {
        recorder.start();
        recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));
        recorder.onChange(change("a", ChangeKind.META_UPDATED, 1000, 1500));
        recorder.onChange(change("a", ChangeKind.USER_LEFT, 1000, 9000));

        recorder.flushIfIdle();

        assertEquals(1, batches.size());
        assertEquals(2, batches.get(0).size());
        assertEquals(1, batches.get(0).steps().size(), "start and end folded into one closed insert");
        assertEquals(2, count("written"));
        assertEquals(0, recorder.queued());
    }

    @Test
    void aFailedBatchIsRetriedOnce() {
        recorder.start();
        failuresLeft.set(1);
        recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));

        recorder.flushIfIdle();

        assertEquals(1, batches.size());
        assertEquals(1, count("written"));
        assertEquals(0, count("failed"));
    }

    @Test
    void aBatchThatFailsTwiceForAnotherReasonThanAnOutageIsCountedFailedAndNotThrown() {
        recorder.start();
        failuresLeft.set(2);
        recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));
        recorder.onChange(change("b", ChangeKind.SESSION_ADDED, 1000, 1000));

        recorder.flushIfIdle();

        assertEquals(List.of(), batches);
        assertEquals(2, count("failed"));
        assertEquals(0, count("written"));
        assertEquals(0, recorder.queued(), "a failed batch is not retried forever");
        assertEquals(1, job("runs"));
        assertEquals(1, job("failures"), "a lost batch fails the flush");
    }

    @Nested
    class DuringADatabaseOutage {

        DuringADatabaseOutage() {
            recorder.millis = clock::millis;
            recorder.flushEvery = Duration.ofSeconds(1);
            recorder.start();
            executor.shutdownNow(); // no flush in the background: each test runs them
        }

        private void flushAfter(Duration wait) {
            clock.advance(wait);
            recorder.flushIfIdle();
        }

        @Test
        void aBatchIsKeptAndRetriedUntilTheDatabaseAnswersThenWritten() {
            outagesLeft.set(3);
            recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));
            recorder.onChange(change("a", ChangeKind.USER_LEFT, 1000, 9000));

            recorder.flushIfIdle();
            assertEquals(2, recorder.queued(), "kept, not lost");
            assertEquals(0, count("failed"));
            assertEquals(1, count("retries"));
            assertEquals(1, job("failures"));

            flushAfter(Duration.ofSeconds(1));
            flushAfter(Duration.ofSeconds(2));
            flushAfter(Duration.ofSeconds(4));

            assertEquals(4, attempts.get());
            assertEquals(List.of(2), batches.stream().map(AttendanceBatch::size).toList());
            assertEquals(0, recorder.queued());
            assertEquals(2, count("written"));
            assertEquals(0, count("failed"));
        }

        @Test
        void retriesBackOffFromTheFlushIntervalDoublingUpToTenSeconds() {
            outagesLeft.set(Integer.MAX_VALUE);
            recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));
            recorder.flushIfIdle();

            flushAfter(Duration.ofMillis(999));
            assertEquals(1, attempts.get(), "not before the back-off");
            flushAfter(Duration.ofMillis(1));
            assertEquals(2, attempts.get());
            flushAfter(Duration.ofMillis(1999));
            assertEquals(2, attempts.get());
            flushAfter(Duration.ofMillis(1));
            assertEquals(3, attempts.get());
            for (int n = 0; n < 5; n++) {
                flushAfter(AttendanceRecorder.MAX_RETRY_BACKOFF);
            }
            assertEquals(8, attempts.get(), "never longer than the most");
            assertEquals(1, recorder.queued());
        }

        @Test
        void whatIsQueuedMeanwhileIsWrittenAfterTheKeptBatchInOrder() {
            outagesLeft.set(1);
            recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));
            recorder.flushIfIdle();
            recorder.onChange(change("a", ChangeKind.USER_LEFT, 1000, 9000));
            recorder.onChange(change("b", ChangeKind.SESSION_ADDED, 2000, 2000));

            flushAfter(Duration.ofSeconds(1));

            assertEquals(2, batches.size());
            assertEquals(List.of(1, 2), batches.stream().map(AttendanceBatch::size).toList());
            assertTrue(batches.get(0).changes().get(0).key().sessionId().equals("a") && !batches.get(0).changes().get(0).ended());
            assertTrue(batches.get(1).changes().get(0).ended(), "the end follows its start");
            assertEquals(0, recorder.queued());
        }

        @Test
        void theQueueKeepsTakingChangesUpToItsCapacityThenDropsAndCounts() {
            outagesLeft.set(Integer.MAX_VALUE);
            recorder.onChange(change("kept", ChangeKind.USER_JOINED, 1000, 1000));
            recorder.flushIfIdle();
            for (int n = 0; n < recorder.capacity + 2; n++) {
                recorder.onChange(change("tab-" + n, ChangeKind.SESSION_ADDED, 1000, 1000));
            }

            assertEquals(recorder.capacity + 1, recorder.queued());
            assertEquals(2, count("dropped"));
        }

        @Test
        void theBufferShowsAsABacklogThatIsRetrying() {
            outagesLeft.set(Integer.MAX_VALUE);
            recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));
            recorder.flushIfIdle();
            clock.advance(Duration.ofSeconds(30));

            assertEquals(1.0, meters.gauge("roomkeeper.backlog.size", "backlog", "attendance"));
            assertEquals(30.0, meters.gauge("roomkeeper.backlog.retrying.seconds", "backlog", "attendance"));
            assertEquals(1.0, meters.gauge("roomkeeper.presence.attendance.queue"));

            outagesLeft.set(0);
            recorder.flushIfIdle();
            assertEquals(0.0, meters.gauge("roomkeeper.backlog.retrying.seconds", "backlog", "attendance"));
        }

        @Test
        void stoppingWhileTheDatabaseIsUnavailableCountsWhatIsLeftAsFailed() {
            outagesLeft.set(Integer.MAX_VALUE);
            recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));
            recorder.flushIfIdle();
            recorder.onChange(change("b", ChangeKind.USER_JOINED, 1000, 1000));

            recorder.flushOnShutdown();

            assertEquals(2, attempts.get(), "the kept batch is tried once more, back-off or not");
            assertEquals(2, count("failed"));
        }
    }

    @Test
    void aFlushWritesAtMostTwentyBatchesSoThatItsRunEndsAndTheNextOneWritesTheRest() {
        int queued = (AttendanceRecorder.MAX_BATCHES_PER_RUN + 1) * AttendanceRecorder.BATCH_SIZE;
        recorder.capacity = queued;
        recorder.start();
        executor.shutdownNow(); // no flush in the background: this test runs each one
        for (int n = 0; n < queued; n++) {
            recorder.record(change("tab-" + n, ChangeKind.SESSION_ADDED, 1000, 1000));
        }

        recorder.flushIfIdle();

        assertEquals(AttendanceRecorder.MAX_BATCHES_PER_RUN, batches.size());
        assertEquals(AttendanceRecorder.BATCH_SIZE, recorder.queued());
        recorder.flushIfIdle();
        assertEquals(0, recorder.queued());
        assertEquals(queued, count("written"));
        assertEquals(2, job("runs"));
    }

    @Test
    void aFlushWithNothingQueuedIsStillARunOfTheJob() {
        recorder.start();

        recorder.flushIfIdle();
        recorder.flushIfIdle();

        assertEquals(2, job("runs"), "an idle node's flush keeps running, so liveness sees it alive");
        assertEquals(0, job("failures"));
        assertTrue(meters.gauge("roomkeeper.job.last.run.seconds", "job", "attendance-flush") > 0);
    }

    @Test
    void overflowIsDroppedAndCountedWithoutBlocking() {
        recorder.capacity = 3;
        recorder.start();
        for (int n = 0; n < 5; n++) {
            recorder.onChange(change("tab-" + n, ChangeKind.SESSION_ADDED, 1000 + n, 1000));
        }

        assertEquals(3, recorder.queued());
        assertEquals(2, count("dropped"));
        recorder.flushIfIdle();
        assertEquals(3, count("written"));
    }

    @Test
    void sessionIdsTooLongForTheColumnAreDroppedNotLeftToFailABatch() {
        recorder.start();
        recorder.onChange(change("x".repeat(65), ChangeKind.USER_JOINED, 1000, 1000));

        assertEquals(0, recorder.queued());
        assertEquals(1, count("dropped"));
    }

    @Test
    void aFullBatchIsFlushedWithoutWaitingForTheTimer() throws InterruptedException {
        recorder.start();
        for (int n = 0; n < AttendanceRecorder.BATCH_SIZE; n++) {
            recorder.onChange(change("tab-" + n, ChangeKind.SESSION_ADDED, 1000, 1000));
        }

        Awaitility.await("a batch written").atMost(Duration.ofSeconds(10)).until(() -> !batches.isEmpty());
        assertEquals(1, batches.size());
        assertEquals(AttendanceRecorder.BATCH_SIZE, batches.get(0).size());
    }

    @Test
    void theTimerFlushesWhatIsQueued() throws InterruptedException {
        recorder.flushEvery = Duration.ofMillis(50);
        recorder.start();
        recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));

        Awaitility.await("a batch written").atMost(Duration.ofSeconds(10)).until(() -> !batches.isEmpty());
        assertEquals(1, batches.size());
    }

    @Test
    void stoppingWritesEverythingStillQueued() {
        recorder.capacity = 10_000;
        recorder.start();
        for (int n = 0; n < 2 * AttendanceRecorder.BATCH_SIZE + 1; n++) {
            recorder.record(change("tab-" + n, ChangeKind.SESSION_ADDED, 1000, 1000));
        }
        executor.shutdownNow();

        recorder.beforeShutdown(new Object());

        assertEquals(2 * AttendanceRecorder.BATCH_SIZE + 1, count("written"));
        assertEquals(0, count("dropped"));
        assertEquals(0, recorder.queued());
        assertTrue(batches.stream().allMatch(batch -> batch.size() <= AttendanceRecorder.BATCH_SIZE));
    }

    /**
     * The shutdown write happens while the application's beans (the writer's persistence context, the data
     * source) still exist: in an observer of the application context's {@code @BeforeDestroyed}, as
     * {@code RoomTouches} does, never in a {@code @PreDestroy}, which runs after they are gone.
     */
    @Test
    void theShutdownWriteRunsBeforeTheApplicationsBeansAreDestroyed() throws NoSuchMethodException {
        Method observer = AttendanceRecorder.class.getDeclaredMethod("beforeShutdown", Object.class);
        Parameter event = observer.getParameters()[0];

        assertTrue(event.isAnnotationPresent(Observes.class));
        BeforeDestroyed context = event.getAnnotation(BeforeDestroyed.class);
        assertNotNull(context, "observes BeforeDestroyed");
        assertEquals(ApplicationScoped.class, context.value());
        assertTrue(Arrays.stream(AttendanceRecorder.class.getDeclaredMethods())
                .noneMatch(method -> method.isAnnotationPresent(PreDestroy.class)), "no write left in @PreDestroy");
    }

    @Test
    void theShutdownWriteStopsTheTimerAndIsARunOfTheJob() {
        recorder.start();
        recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));

        recorder.flushOnShutdown();

        assertEquals(1, count("written"));
        assertEquals(1, job("runs"));
        assertTrue(executor.getQueue().stream().allMatch(task -> ((Future<?>) task).isCancelled()),
                "the periodic flush is cancelled");
    }

    /** A managed scheduler backed by a plain one, as the container's would run tasks. */
    static ManagedScheduledExecutorService managed(ScheduledExecutorService delegate) {
        return (ManagedScheduledExecutorService) Proxy.newProxyInstance(AttendanceRecorderTest.class.getClassLoader(),
                new Class<?>[]{ManagedScheduledExecutorService.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
