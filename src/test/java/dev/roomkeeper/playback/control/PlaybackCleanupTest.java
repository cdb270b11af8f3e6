package dev.roomkeeper.playback.control;

import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.memory.MemoryKeyedStateStore;
import dev.roomkeeper.engine.memory.MemoryStreamBroker;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.playback.entity.LogEntry;
import dev.roomkeeper.playback.entity.PlaybackCleanupRun;
import dev.roomkeeper.playback.entity.PlaybackEvent;
import dev.roomkeeper.playback.entity.PlaybackStream;
import dev.roomkeeper.playback.entity.Timeline;
import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.Membership;
import dev.roomkeeper.rooms.entity.Room;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cleanup on a real H2 database and the in-process engine, with two "nodes" running it at once: old events are
 * deleted in bounded batches and each counted once, an idle playing stream is reset once (row and live timeline,
 * position kept), fresh events and active streams are left alone, and every run is recorded with its counts.
 */
class PlaybackCleanupTest {

    static final String ROOM = "55555555-5555-4555-8555-555555555555";
    static final String IDLE = "66666666-6666-4666-8666-666666666666";
    static final String ACTIVE = "77777777-7777-4777-8777-777777777777";
    final long now = System.currentTimeMillis();
    SessionFactory database;
    MemoryKeyedStateStore store;
    PlaybackSettings settings;

    /** The database the test runs on: H2 here, PostgreSQL in {@code PlaybackCleanupPostgresIT}. */
    String databaseUrl() {
        return TestDatabase.migrated();
    }

    @BeforeEach
    void setUp() {
        database = TestDatabase.sessionFactory(databaseUrl(), Room.class, Membership.class,
                PlaybackStream.class, PlaybackEvent.class, PlaybackCleanupRun.class);
        database.inTransaction(s -> s.persist(new Room(ROOM, "movie", "Movie", "huddle", "ann", Instant.now())));
        store = new MemoryKeyedStateStore(new MemoryStreamBroker(EngineSettings.defaults()), Clock.systemUTC());
        settings = new PlaybackSettings();
        settings.cleanupBatch = 10;
    }

    @AfterEach
    void close() {
        database.close();
    }

    private PlaybackCleanup node() {
        Meters meters = Meters.inMemory();
        StreamRecordsAccess records = new StreamRecordsAccess(database);
        PlaybackLog log = new PlaybackLog();
        log.records = records;
        log.settings = settings;
        log.jobs = new Jobs(meters, Clock.systemUTC());
        log.backlogs = new Backlogs(meters, Clock.systemUTC());
        log.metrics = meters;
        log.init();
        Timelines timelines = new Timelines();
        timelines.state = TimelinesTest.over(store);
        timelines.settings = settings;
        timelines.log = log;
        timelines.records = records;
        timelines.metrics = meters;
        timelines.init();
        PlaybackCleanup cleanup = new PlaybackCleanup();
        cleanup.records = records;
        cleanup.timelines = timelines;
        cleanup.log = log;
        cleanup.settings = settings;
        cleanup.jobs = log.jobs;
        cleanup.metrics = meters;
        cleanup.init();
        return cleanup;
    }

    private static Timeline playing(String id, long at) {
        return new Timeline(id, "Film", "https://cdn.example/f.mp4", 42_000, 1.0, true, at, true, 500, true, "ann",
                "play", "e1", null);
    }

    private void stream(StreamRecordsAccess records, Timeline timeline) {
        records.create(ROOM, timeline);
        store.apply(KeyedWrite.set(ROOM, Timelines.SPACE, Timelines.PREFIX + timeline.stream(),
                timeline.toJson().toString()), settings.limits());
    }

    @Test
    void twoNodesCleaningAtOnceDeleteEachOldEventOnceAndResetAnIdleStreamOnce() throws Exception {
        StreamRecordsAccess records = new StreamRecordsAccess(database);
        long old = now - Duration.ofDays(2).toMillis();
        stream(records, playing(IDLE, old));
        stream(records, playing(ACTIVE, now - 1_000));
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            entries.add(new LogEntry(IDLE, "ann", "seek", "old-" + i, now - Duration.ofDays(8).toMillis() + i, i, null));
        }
        for (int i = 0; i < 3; i++) {
            entries.add(new LogEntry(ACTIVE, "ann", "play", "new-" + i, now - 60_000, i, null));
        }
        records.write(entries, List.of());
        PlaybackCleanup a = node();
        PlaybackCleanup b = node();
        CompletableFuture<PlaybackCleanupRun> runA = CompletableFuture.supplyAsync(() -> a.runNow("admin-a"));
        CompletableFuture<PlaybackCleanupRun> runB = CompletableFuture.supplyAsync(() -> b.runNow("admin-b"));
        PlaybackCleanupRun first = runA.get();
        PlaybackCleanupRun second = runB.get();
        assertEquals(25, first.getEventsDeleted() + second.getEventsDeleted(), "each old event deleted and counted once");
        assertEquals(1, first.getStreamsReset() + second.getStreamsReset(), "the idle stream reset once");
        StreamRecords.EventFilter all = new StreamRecords.EventFilter(null, null, null);
        assertEquals(0, records.countEvents(IDLE, all));
        assertEquals(3, records.countEvents(ACTIVE, all), "fresh events stay");
        assertFalse(records.stream(IDLE).orElseThrow().isPlaying());
        assertEquals(42_000, records.stream(IDLE).orElseThrow().getPositionMs(), "position kept");
        assertTrue(records.stream(ACTIVE).orElseThrow().isPlaying(), "an active stream is left alone");
        Timeline live = Timeline.fromJson(store.get(ROOM, Timelines.SPACE, Timelines.PREFIX + IDLE).orElseThrow().value());
        assertFalse(live.playing());
        assertEquals("idle", live.cause());
        assertEquals(42_000, live.positionMs());
        assertEquals(2, records.countRuns());
        assertEquals(25, records.runs(0, 10).stream().mapToInt(PlaybackCleanupRun::getEventsDeleted).sum());
    }
}
