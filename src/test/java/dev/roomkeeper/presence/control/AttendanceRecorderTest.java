package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.entity.ChangeKind;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.presence.entity.SessionState;
import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.roomkeeper.presence.control.AttendanceBatchTest.ROOM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recorder built by hand: a writer that records or fails, in-memory counters, a real scheduler behind the managed one. */
class AttendanceRecorderTest {

    private static final Logger RECORDER_LOG = Logger.getLogger(AttendanceRecorder.class.getName());

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final Meters meters = Meters.inMemory();
    private final List<AttendanceBatch> batches = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AttendanceRecorder recorder = new AttendanceRecorder();
    private final Level level = RECORDER_LOG.getLevel();

    AttendanceRecorderTest() {
        RECORDER_LOG.setLevel(Level.OFF);
        recorder.writer = new AttendanceWriter() {
            @Override
            public void write(AttendanceBatch batch) {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("database down");
                }
                batches.add(batch);
            }
        };
        recorder.scheduler = managed(executor);
        recorder.metrics = meters;
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
    void aBatchThatFailsTwiceIsCountedFailedAndNotThrown() {
        recorder.start();
        failuresLeft.set(2);
        recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));
        recorder.onChange(change("b", ChangeKind.SESSION_ADDED, 1000, 1000));

        recorder.flushIfIdle();

        assertEquals(List.of(), batches);
        assertEquals(2, count("failed"));
        assertEquals(0, count("written"));
        assertEquals(0, recorder.queued(), "a failed batch is not retried forever");
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

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (batches.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, batches.size());
        assertEquals(AttendanceRecorder.BATCH_SIZE, batches.get(0).size());
    }

    @Test
    void theTimerFlushesWhatIsQueued() throws InterruptedException {
        recorder.flushEvery = Duration.ofMillis(50);
        recorder.start();
        recorder.onChange(change("a", ChangeKind.USER_JOINED, 1000, 1000));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (batches.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
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

        recorder.stop();

        assertEquals(2 * AttendanceRecorder.BATCH_SIZE + 1, count("written"));
        assertEquals(0, count("dropped"));
        assertEquals(0, recorder.queued());
        assertTrue(batches.stream().allMatch(batch -> batch.size() <= AttendanceRecorder.BATCH_SIZE));
    }

    /** A managed scheduler backed by a plain one, as the container's would run tasks. */
    private static ManagedScheduledExecutorService managed(ScheduledExecutorService delegate) {
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
