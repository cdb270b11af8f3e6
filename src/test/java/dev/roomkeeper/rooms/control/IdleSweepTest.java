package dev.roomkeeper.rooms.control;

import dev.roomkeeper.engine.memory.MemoryStreamBroker;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import dev.roomkeeper.rooms.entity.IdleCandidate;
import dev.roomkeeper.rooms.entity.IdleSweepRun;
import dev.roomkeeper.rooms.entity.IdleSweepRunResponse;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.rooms.entity.Room;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.rooms.entity.RoomResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The idle sweep over a migrated database (H2 here, PostgreSQL in the *PostgresIT) with a real in-process
 * engine and presence store: which rooms it picks, which it closes, what it records, and two nodes at once.
 */
class IdleSweepTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final List<Logger> QUIET = List.of(Logger.getLogger(IdleSweep.class.getName()),
            Logger.getLogger(RoomActivity.class.getName()));

    Rooms rooms;
    IdleSweep sweep;
    private final List<Level> levels = QUIET.stream().map(Logger::getLevel).toList();

    /** The migrated database the test runs on. */
    String databaseUrl() {
        return TestDatabase.migrated();
    }

    @BeforeEach
    void rooms() {
        rooms = new Rooms(databaseUrl());
        sweep = rooms.sweep();
        QUIET.forEach(logger -> logger.setLevel(Level.OFF));
    }

    @AfterEach
    void close() {
        rooms.close();
        for (int i = 0; i < QUIET.size(); i++) {
            QUIET.get(i).setLevel(levels.get(i));
        }
    }

    private RoomResponse create(String slug) {
        return rooms.tx(() -> rooms.directory.create(new CreateRoomRequest(slug, slug, null), "root"));
    }

    private RoomResponse room(String slug) {
        return rooms.directory.get(slug);
    }

    private List<String> candidates(Instant cutoff, IdleCandidate after, int limit) {
        return rooms.tx(() -> rooms.directory.idleCandidates(cutoff, after, limit)).stream()
                .map(c -> room(c.id()).slug()).toList();
    }

    private List<RoomChange.Closed> closings(Rooms node) {
        return node.changes.fired.stream().filter(RoomChange.Closed.class::isInstance)
                .map(RoomChange.Closed.class::cast).toList();
    }

    @Test
    void candidatesAreOpenRoomsLastActiveBeforeTheCutoffOldestFirstThenByIdInPages() {
        create("first");
        rooms.tick(Duration.ofSeconds(1));
        List<String> tied = Stream.of(create("tie-a"), create("tie-b")).sorted((a, b) -> a.id().compareTo(b.id()))
                .map(RoomResponse::slug).toList();
        rooms.tick(Duration.ofSeconds(1));
        create("closed");
        rooms.tx(() -> rooms.directory.close("closed", null, "root"));
        rooms.tick(Duration.ofMinutes(10));
        create("recent");
        Instant cutoff = rooms.now().minusSeconds(1);

        List<String> expected = new ArrayList<>(List.of("first"));
        expected.addAll(tied);
        assertEquals(expected, candidates(cutoff, null, 10));

        List<IdleCandidate> first = rooms.tx(() -> rooms.directory.idleCandidates(cutoff, null, 2));
        assertEquals(expected.subList(0, 2), first.stream().map(c -> room(c.id()).slug()).toList());
        assertEquals(expected.subList(2, 3), candidates(cutoff, first.get(1), 2), "the next page starts after the cursor");
        assertEquals(List.of(), candidates(cutoff, rooms.tx(() -> rooms.directory.idleCandidates(cutoff, null, 3)).get(2), 2));
    }

    @Test
    void closeIfClosesAnOpenRoomOnceAndOnlyWhenTheLockedCheckSaysSo() {
        RoomResponse lobby = create("lobby");
        create("kept");
        rooms.changes.fired.clear();

        assertTrue(rooms.tx(() -> rooms.directory.closeIf(room("kept").id(), "idle", Room.CLOSED_BY_IDLE_SWEEP,
                r -> false)).isEmpty());
        RoomResponse closed = rooms.tx(() -> rooms.directory.closeIf(lobby.id(), "idle", Room.CLOSED_BY_IDLE_SWEEP,
                r -> true)).orElseThrow();
        assertTrue(rooms.tx(() -> rooms.directory.closeIf(lobby.id(), "idle", Room.CLOSED_BY_IDLE_SWEEP,
                r -> true)).isEmpty(), "a closed room is not closed again");
        assertTrue(rooms.tx(() -> rooms.directory.closeIf("no-such-room", "idle", "x", r -> true)).isEmpty());

        assertEquals("closed", closed.state());
        assertEquals("idle", closed.closeReason());
        assertEquals("system:idle-sweep", closed.closedBy());
        assertEquals("open", room("kept").state());
        assertEquals(List.of(new RoomChange.Closed(lobby.id(), "lobby", "idle", "system:idle-sweep", closed.closedAt())),
                rooms.changes.fired);
    }

    @Test
    void closeIfSkipsARoomWhoseRowAnotherTransactionHoldsInsteadOfWaiting() throws Exception {
        RoomResponse lobby = create("lobby");
        try (Rooms other = rooms.another()) {
            other.session.getTransaction().begin();
            other.directory.closeIf(lobby.id(), "held", "x", r -> false); // holds the row lock, closes nothing
            long start = System.nanoTime();
            assertTrue(CompletableFuture.supplyAsync(() -> rooms.tx(() -> rooms.directory.closeIf(lobby.id(), "idle",
                    Room.CLOSED_BY_IDLE_SWEEP, r -> true))).get(10, TimeUnit.SECONDS).isEmpty(), "skipped, not closed");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "without waiting for the lock");
            other.session.getTransaction().rollback();
        }
        assertEquals("open", room("lobby").state());
        assertEquals("closed", rooms.tx(() -> rooms.directory.closeIf(lobby.id(), "idle", Room.CLOSED_BY_IDLE_SWEEP,
                r -> true)).orElseThrow().state(), "closed once the lock is gone");
    }

    @Test
    void aRunClosesIdleRoomsLeavesActiveOnesAndRecordsWhatItDid() {
        create("idle");
        create("touched");
        create("chatty");
        create("occupied");
        rooms.tick(HOUR.plusMinutes(5));
        create("young");
        rooms.activity.touch(room("touched").id(), rooms.now().minusSeconds(60));
        rooms.engine.publish(room("chatty").id(), "message", "{}");
        rooms.presence.join(room("occupied").id(), "ann", "tab-1", "{}", rooms.now().plus(HOUR).toEpochMilli());
        rooms.changes.fired.clear();
        Instant started = rooms.now();

        IdleSweepRunResponse run = sweep.run(IdleSweepRun.Trigger.ADMIN, "ops");

        assertEquals(4, run.examined(), "the database names the four rooms created more than a window ago");
        assertEquals(1, run.closed());
        assertEquals(0, run.errors());
        assertEquals("admin", run.trigger());
        assertEquals("ops", run.triggeredBy());
        assertEquals(3600, run.windowSeconds());
        assertEquals(started, run.startedAt());
        assertNotNull(run.id());
        RoomResponse idle = room("idle");
        assertEquals("closed", idle.state());
        assertEquals("idle: no activity for over 1 hour", idle.closeReason());
        assertEquals("system:idle-sweep", idle.closedBy());
        for (String busy : List.of("touched", "chatty", "occupied", "young")) {
            assertEquals("open", room(busy).state(), busy);
        }
        assertEquals(List.of(idle.id()), closings(rooms).stream().map(RoomChange.Closed::roomId).toList());
        assertEquals(List.of(run), rooms.tx(() -> sweep.runs.list(PageRequest.first())).items(), "recorded");
        assertEquals(1, rooms.metrics.counter("roomkeeper.rooms.idle.sweep.runs", "trigger", "admin").count());
        assertEquals(4, rooms.metrics.counter("roomkeeper.rooms.idle.sweep.examined").count());
        assertEquals(1, rooms.metrics.counter("roomkeeper.rooms.idle.sweep.closed").count());
    }

    @Test
    void aRoomThatCannotBeCheckedIsLeftOpenCountedAndSampledWhileTheOthersAreClosed() {
        RoomResponse broken = create("broken");
        create("idle");
        rooms.tick(Duration.ofHours(2));
        rooms.activity.stream = new MemoryStreamBroker(new EngineSettings(10, HOUR, HOUR, rooms.clock)) {
            @Override
            public OptionalLong lastEventAt(String room) {
                if (room.equals(broken.id())) {
                    throw new IllegalStateException("Redis unreachable");
                }
                return OptionalLong.empty();
            }
        };

        IdleSweepRunResponse run = sweep.run(IdleSweepRun.Trigger.TIMER, null);

        assertEquals(2, run.examined());
        assertEquals(1, run.closed());
        assertEquals(1, run.errors());
        assertTrue(run.errorSample().startsWith(broken.id() + ": ProblemException"), run.errorSample());
        assertEquals("open", room("broken").state());
        assertEquals("closed", room("idle").state());
        assertEquals(1, rooms.metrics.counter("roomkeeper.rooms.idle.sweep.errors").count());
    }

    @Test
    void oneRunAtATimePerNode() throws Exception {
        create("slow");
        rooms.tick(Duration.ofHours(2));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        rooms.activity.stream = new MemoryStreamBroker(new EngineSettings(10, HOUR, HOUR, rooms.clock)) {
            @Override
            public OptionalLong lastEventAt(String room) {
                inside.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return OptionalLong.empty();
            }
        };
        CompletableFuture<IdleSweepRunResponse> first = CompletableFuture.supplyAsync(
                () -> sweep.run(IdleSweepRun.Trigger.TIMER, null));
        assertTrue(inside.await(30, TimeUnit.SECONDS), "the first run is checking its room");
        assertEquals(1.0, rooms.metrics.gauge("roomkeeper.job.running", "job", "idle-room-sweep"));

        ProblemException busy = assertThrows(ProblemException.class, () -> sweep.run(IdleSweepRun.Trigger.ADMIN, "ops"));
        assertEquals(409, busy.status());
        assertEquals("sweep-running", busy.type());
        assertTrue(sweep.runUnlessRunning(IdleSweepRun.Trigger.TIMER, null).isEmpty(), "the timer skips its turn");

        release.countDown();
        assertEquals(1, first.get(30, TimeUnit.SECONDS).closed());
        assertEquals(0.0, rooms.metrics.gauge("roomkeeper.job.running", "job", "idle-room-sweep"));
        assertEquals(1, rooms.metrics.counter("roomkeeper.job.runs", "job", "idle-room-sweep").count(),
                "the skipped turn and the refused admin run are not runs");
    }

    @Test
    void aRunThatCannotBeRecordedAnswers503AndIsAFailedRunOfTheJob() {
        sweep.runs = new IdleSweepRuns() {
            @Override
            public void start(IdleSweepRun run) {
                throw new IllegalStateException("database down");
            }
        };

        ProblemException down = assertThrows(ProblemException.class, () -> sweep.run(IdleSweepRun.Trigger.ADMIN, "ops"));

        assertEquals(503, down.status());
        assertEquals(1, rooms.metrics.counter("roomkeeper.job.runs", "job", "idle-room-sweep").count(),
                "a failed run is still a run (liveness stays up)");
        assertEquals(1, rooms.metrics.counter("roomkeeper.job.failures", "job", "idle-room-sweep").count());
        assertEquals(0.0, rooms.metrics.gauge("roomkeeper.job.running", "job", "idle-room-sweep"));
    }

    @Test
    void runsOlderThanTheRetentionAreDeletedByALaterRun() {
        sweep.run(IdleSweepRun.Trigger.TIMER, null);
        rooms.tick(Duration.ofDays(29));
        sweep.run(IdleSweepRun.Trigger.TIMER, null);
        rooms.tick(Duration.ofDays(2));
        IdleSweepRunResponse last = sweep.run(IdleSweepRun.Trigger.ADMIN, "ops");

        List<IdleSweepRunResponse> kept = rooms.tx(() -> sweep.runs.list(PageRequest.first())).items();
        assertEquals(2, kept.size(), "the run of 31 days ago is gone");
        assertEquals(last, kept.get(0), "newest first");
    }

    @Test
    void twoNodesSweepingAtOnceCloseAndAnnounceEachRoomExactlyOnce() throws Exception {
        int count = 40;
        for (int i = 0; i < count; i++) {
            create("idle-" + i);
        }
        rooms.tick(Duration.ofHours(2));
        rooms.changes.fired.clear();
        try (Rooms other = rooms.another()) {
            IdleSweep otherSweep = other.sweep();
            CountDownLatch start = new CountDownLatch(1);
            CompletableFuture<IdleSweepRunResponse> a = CompletableFuture.supplyAsync(() -> {
                await(start);
                return sweep.run(IdleSweepRun.Trigger.TIMER, null);
            });
            CompletableFuture<IdleSweepRunResponse> b = CompletableFuture.supplyAsync(() -> {
                await(start);
                return otherSweep.run(IdleSweepRun.Trigger.TIMER, null);
            });
            start.countDown();
            IdleSweepRunResponse runA = a.get(60, TimeUnit.SECONDS);
            IdleSweepRunResponse runB = b.get(60, TimeUnit.SECONDS);

            assertEquals(count, runA.closed() + runB.closed(), runA + " / " + runB);
            assertEquals(0, runA.errors() + runB.errors());
            List<String> announced = new ArrayList<>(closings(rooms).stream().map(RoomChange.Closed::roomId).toList());
            announced.addAll(closings(other).stream().map(RoomChange.Closed::roomId).toList());
            assertEquals(count, announced.size(), "one announcement per room");
            assertEquals(count, announced.stream().distinct().count());
            assertEquals(2, rooms.tx(() -> sweep.runs.list(PageRequest.first())).total());
        }
    }

    @Test
    void theIntervalAndTheRetentionHaveDefaultsAndBoundsAndABadValueFallsBackToTheDefault() {
        assertEquals(Duration.ofMinutes(15), sweep.interval());
        assertEquals(Duration.ofDays(30), sweep.retention);
        for (String[] setting : new String[][]{
                {"PT1M", "P1D", "PT1M", "P1D"}, {"PT24H", "P365D", "PT24H", "P365D"},
                {"PT59S", "PT23H", "PT15M", "P30D"}, {"P2D", "P366D", "PT15M", "P30D"}, {"often", "forever", "PT15M", "P30D"}}) {
            IdleSweep configured = new IdleSweep();
            configured.metrics = Meters.inMemory();
            configured.jobs = new Jobs(configured.metrics, Clock.systemUTC());
            configured.intervalSetting = setting[0];
            configured.retentionSetting = setting[1];
            configured.init();
            assertEquals(Duration.parse(setting[2]), configured.interval(), setting[0]);
            assertEquals(Duration.parse(setting[3]), configured.retention, setting[1]);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
