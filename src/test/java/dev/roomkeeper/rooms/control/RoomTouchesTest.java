package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.control.DatabaseFailure;
import dev.roomkeeper.platform.control.DatabaseUnavailableException;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.RoomChange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pending touches and their flush, with a writer that records each batch or fails on demand. */
class RoomTouchesTest {

    private static final Logger TOUCHES_LOG = Logger.getLogger(RoomTouches.class.getName());
    private static final long T = Instant.parse("2025-03-01T10:00:00Z").toEpochMilli();

    private final Meters metrics = Meters.inMemory();
    private final List<List<ActivityWriter.Touch>> batches = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger outagesLeft = new AtomicInteger();
    private Runnable whileWriting = () -> { };
    private final RoomTouches touches = new RoomTouches();
    private final Level level = TOUCHES_LOG.getLevel();

    RoomTouchesTest() {
        TOUCHES_LOG.setLevel(Level.OFF);
        touches.writer = new ActivityWriter() {
            @Override
            public int write(List<Touch> batch) {
                whileWriting.run();
                if (outagesLeft.getAndDecrement() > 0) {
                    throw new DatabaseUnavailableException(DatabaseFailure.UNREACHABLE, 2);
                }
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("database down");
                }
                batches.add(List.copyOf(batch));
                return batch.size();
            }
        };
        touches.metrics = metrics;
        touches.jobs = new Jobs(metrics, Clock.systemUTC());
        touches.backlogs = new Backlogs(metrics, Clock.systemUTC());
        touches.init();
    }

    @AfterEach
    void restoreLogging() {
        TOUCHES_LOG.setLevel(level);
    }

    private List<String> written() {
        List<String> all = new ArrayList<>();
        batches.forEach(batch -> batch.forEach(t -> all.add(t.roomId() + "@" + (t.at().toEpochMilli() - T))));
        return all;
    }

    @Test
    void aTouchIsAMapUpdateThatKeepsTheLatestPerRoom() {
        touches.touch("r-1", T + 5);
        touches.touch("r-1", T + 9);
        touches.touch("r-1", T + 7);
        touches.touch("r-2", T);

        assertEquals(Optional.of(Instant.ofEpochMilli(T + 9)), touches.pending("r-1"));
        assertEquals(2, touches.size());
        assertEquals(2.0, metrics.gauge("roomkeeper.rooms.activity.pending"));
        assertEquals(List.of(), batches, "nothing is written before a flush");
    }

    @Test
    void aFlushWritesEveryPendingRoomInBatchesAndForgetsWhatItWrote() {
        for (int i = 0; i < 2 * RoomTouches.BATCH + 201; i++) {
            touches.touch("r-" + i, T + i);
        }

        assertEquals(2 * RoomTouches.BATCH + 201, touches.flush());

        assertEquals(List.of(RoomTouches.BATCH, RoomTouches.BATCH, 201), batches.stream().map(List::size).toList());
        assertEquals(0, touches.size());
        assertEquals(Optional.empty(), touches.pending("r-0"));
        assertEquals(2 * RoomTouches.BATCH + 201, metrics.counter("roomkeeper.rooms.activity.written").count());
        assertTrue(metrics.gauge("roomkeeper.job.last.run.seconds", "job", "activity-flush") > 0);
        assertEquals(1, metrics.counter("roomkeeper.job.runs", "job", "activity-flush").count());
        assertEquals(0, touches.flush(), "nothing left");
        assertEquals(3, batches.size());
    }

    @Test
    void aTouchDuringAFlushIsKeptForTheNextOne() {
        touches.touch("r-1", T);
        touches.touch("r-2", T);
        whileWriting = () -> touches.touch("r-1", T + 100);

        touches.flush();

        assertEquals(List.of("r-1@0", "r-2@0"), written().stream().sorted().toList());
        assertEquals(Optional.of(Instant.ofEpochMilli(T + 100)), touches.pending("r-1"), "the newer touch stays");
        assertEquals(Optional.empty(), touches.pending("r-2"));
        whileWriting = () -> { };
        touches.flush();
        assertTrue(written().contains("r-1@100"));
    }

    @Test
    void aFailedFlushKeepsEverythingPendingCountsTheFailureAndTheNextFlushWritesIt() {
        touches.touch("r-1", T);
        touches.touch("r-2", T + 1);
        failuresLeft.set(1);

        assertEquals(0, touches.flush());

        assertEquals(2, touches.size());
        assertEquals(1, metrics.counter("roomkeeper.job.failures", "job", "activity-flush").count(),
                "the flush is a failed run of its job");
        assertEquals(2, touches.flush());
        assertEquals(List.of("r-1@0", "r-2@1"), written().stream().sorted().toList());
        assertEquals(0, touches.size());
    }

    @Test
    void shuttingDownWritesWhatIsPending() {
        touches.touch("r-1", T);

        touches.flushOnShutdown();

        assertEquals(List.of("r-1@0"), written());
        assertEquals(1, metrics.counter("roomkeeper.job.runs", "job", "activity-flush").count());
    }

    @Test
    void aClosedRoomsPendingActivityIsDroppedWhenTheRoomIsReleased() {
        touches.touch("r-1", T);
        touches.touch("r-2", T);

        touches.onChange(new RoomChange.Closed("r-1", "daily", null, "root", Instant.ofEpochMilli(T)));
        touches.onChange(new RoomChange.MemberAdded("r-2", "bob", Role.OBSERVER));

        assertEquals(Optional.empty(), touches.pending("r-1"));
        assertEquals(Optional.of(Instant.ofEpochMilli(T)), touches.pending("r-2"));
    }

    @Test
    void theFlushIntervalDefaultsTo30SecondsAndAcceptsOneSecondToTenMinutes() {
        assertEquals(Duration.ofSeconds(30), touches.flushInterval());
        for (String[] setting : new String[][]{{"PT1S", "PT1S"}, {"PT10M", "PT10M"}, {"PT0.5S", "PT30S"},
                {"PT11M", "PT30S"}, {"often", "PT30S"}}) {
            RoomTouches configured = new RoomTouches();
            configured.metrics = Meters.inMemory();
            configured.jobs = new Jobs(configured.metrics, Clock.systemUTC());
            configured.backlogs = new Backlogs(configured.metrics, Clock.systemUTC());
            configured.flushSetting = setting[0];
            configured.init();
            assertEquals(Duration.parse(setting[1]), configured.flushInterval(), setting[0]);
        }
    }

    @Test
    void throughADatabaseOutageTheActivityIsKeptAndWrittenWhenItIsBack() {
        touches.touch("r-1", T + 5);
        outagesLeft.set(2);

        touches.flush();
        touches.touch("r-1", T + 9);
        touches.touch("r-2", T + 1);
        touches.flush();

        assertEquals(2, touches.size(), "nothing lost");
        assertEquals(2.0, metrics.gauge("roomkeeper.backlog.size", "backlog", "room-activity"));
        assertTrue(metrics.gauge("roomkeeper.backlog.retrying.seconds", "backlog", "room-activity") >= 0);
        assertEquals(2, metrics.counter("roomkeeper.job.failures", "job", "activity-flush").count());

        touches.flush();

        assertEquals(List.of("r-1@9", "r-2@1"), written().stream().sorted().toList());
        assertEquals(0, touches.size());
        assertEquals(0.0, metrics.gauge("roomkeeper.backlog.retrying.seconds", "backlog", "room-activity"));
    }

    @Test
    void beyondTheBoundTouchesOfNewRoomsAreDroppedAndCountedThoseOfPendingRoomsStillCount() {
        touches.pendingMax = 2;
        touches.touch("r-1", T);
        touches.touch("r-2", T);

        touches.touch("r-3", T);
        touches.touch("r-1", T + 5);

        assertEquals(2, touches.size());
        assertEquals(Optional.empty(), touches.pending("r-3"));
        assertEquals(Optional.of(Instant.ofEpochMilli(T + 5)), touches.pending("r-1"));
        assertEquals(1, metrics.counter("roomkeeper.rooms.activity.dropped").count());
    }
}
