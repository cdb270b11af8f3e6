package dev.roomkeeper.playback.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;
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
import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.playback.entity.CommandType;
import dev.roomkeeper.playback.entity.PlaybackCommand;
import dev.roomkeeper.playback.entity.StreamRequest;
import dev.roomkeeper.playback.entity.Timeline;
import dev.roomkeeper.rooms.TestDatabase;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.rooms.entity.Membership;
import dev.roomkeeper.rooms.entity.Room;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Timelines on the in-process engine and a real H2 database: hosts control, others are view only, an eventId is
 * applied once, the budget refuses with when to retry, and each change is exactly one {@code playback.set} event.
 */
class TimelinesTest {

    static final String ROOM = "33333333-3333-4333-8333-333333333333";
    final Access host = new Access(ROOM, "movie", Role.HOST);
    final Access viewer = new Access(ROOM, "movie", Role.PARTICIPANT);
    final Caller ann = new Caller("ann", null, null, false, Map.of(), Instant.now().plusSeconds(3600));
    final Caller bob = new Caller("bob", null, null, false, Map.of(), Instant.now().plusSeconds(3600));
    final AtomicLong nanos = new AtomicLong();
    MemoryStreamBroker broker;
    SessionFactory database;
    Timelines timelines;
    PlaybackLog log;

    @BeforeEach
    void node() {
        broker = new MemoryStreamBroker(EngineSettings.defaults());
        KeyedStateStore store = new MemoryKeyedStateStore(broker, Clock.systemUTC());
        database = TestDatabase.sessionFactory(TestDatabase.migrated(), Room.class, Membership.class,
                dev.roomkeeper.playback.entity.PlaybackStream.class, dev.roomkeeper.playback.entity.PlaybackEvent.class);
        database.inTransaction(s -> s.persist(new Room(ROOM, "movie", "Movie", "huddle", "ann", Instant.now())));
        PlaybackSettings settings = new PlaybackSettings();
        settings.commandRate = 1;
        settings.commandBurst = 3;
        settings.maxStreams = 2;
        Meters meters = Meters.inMemory();
        log = new PlaybackLog();
        log.records = new StreamRecordsAccess(database);
        log.settings = settings;
        log.jobs = new Jobs(meters, Clock.systemUTC());
        log.backlogs = new Backlogs(meters, Clock.systemUTC());
        log.metrics = meters;
        log.init();
        timelines = new Timelines();
        timelines.state = over(store);
        timelines.settings = settings;
        timelines.log = log;
        timelines.records = log.records;
        timelines.metrics = meters;
        timelines.nanos = nanos::get;
        timelines.init();
    }

    @AfterEach
    void close() {
        database.close();
    }

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
        };
    }

    private Timeline create(String eventId) {
        return timelines.create(host, ann, new StreamRequest("https://cdn.example/f.mp4", "Film", true, 500, true,
                eventId)).timeline();
    }

    private static PlaybackCommand play(String eventId) {
        return new PlaybackCommand(CommandType.PLAY, null, null, null, null, eventId);
    }

    private List<RoomEvent> events() {
        Replay replay = broker.replay(ROOM, 0, null);
        return replay.events().stream().filter(e -> e.type().startsWith("playback.")).toList();
    }

    private void refill() {
        nanos.addAndGet(10_000_000_000L);
    }

    @Test
    void aHostCreatesAndControlsAndEachChangeIsOneEvent() {
        Timeline created = create("c1");
        assertFalse(created.playing());
        Timelines.Outcome played = timelines.command(host, ann, created.stream(), play("p1"));
        assertTrue(played.timeline().playing());
        assertEquals("ann", played.timeline().by());
        List<RoomEvent> events = events();
        assertEquals(2, events.size(), events::toString);
        assertEquals("playback.set", events.get(1).type());
        assertEquals(played.seq(), events.get(1).seq());
        assertTrue(events.get(1).data().contains("\"playing\":true"), events.get(1).data());
        assertEquals(1, timelines.snapshot(host).entries().size());
    }

    @Test
    void aMemberWhoIsNoHostIsViewOnly() {
        Timeline created = create(null);
        PlaybackRefusal refused = assertThrows(PlaybackRefusal.class,
                () -> timelines.command(viewer, bob, created.stream(), play("p1")));
        assertEquals("not-host", refused.type());
        assertEquals(403, refused.status());
        assertEquals(PlaybackRefusal.class, assertThrows(PlaybackRefusal.class, () -> timelines.create(viewer, bob,
                new StreamRequest("https://x.example/", "X", true, 500, true, null))).getClass());
        assertEquals(1, events().size(), "nothing published for a refusal");
    }

    @Test
    void theSameEventIdIsAppliedOnceAndAnsweredWithTheFirstResult() {
        Timeline created = create("c1");
        Timelines.Outcome first = timelines.command(host, ann, created.stream(), play("p1"));
        Timelines.Outcome retry = timelines.command(host, ann, created.stream(), play("p1"));
        assertTrue(retry.duplicate());
        assertEquals(first.timeline(), retry.timeline());
        assertEquals(first.seq(), retry.seq());
        refill();
        timelines.command(host, ann, created.stream(), new PlaybackCommand(CommandType.PAUSE, null, null, null, null, "p2"));
        Timelines.Outcome late = timelines.command(host, ann, created.stream(), play("p1"));
        assertTrue(late.duplicate(), "a retry after another command still changes nothing");
        assertEquals(first.seq(), late.seq());
        assertFalse(late.timeline().playing(), "answered with the timeline as it is now");
        Timelines.Outcome createdAgain = timelines.create(host, ann, new StreamRequest("https://cdn.example/f.mp4",
                "Film", true, 500, true, "c1"));
        assertTrue(createdAgain.duplicate());
        assertEquals(created.stream(), createdAgain.timeline().stream());
        assertEquals(3, events().size(), "create, play, pause: " + events());
    }

    @Test
    void aHostBeyondTheBudgetIsToldWhenToRetry() {
        Timeline created = create(null); // one of the burst of three
        timelines.command(host, ann, created.stream(), play("a"));
        timelines.command(host, ann, created.stream(), play("b"));
        PlaybackRefusal refused = assertThrows(PlaybackRefusal.class,
                () -> timelines.command(host, ann, created.stream(), play("c")));
        assertEquals("rate-limited", refused.type());
        assertEquals(429, refused.status());
        assertEquals(1_000, refused.extensions().getJsonNumber("retryAfterMs").longValue());
        nanos.addAndGet(1_000_000_000L);
        assertFalse(timelines.command(host, ann, created.stream(), play("c")).duplicate());
    }

    @Test
    void aRoomHoldsAtMostItsStreamsAndAnUnknownStreamIsNotFound() {
        create(null);
        create(null);
        refill();
        assertEquals("too-many-streams", assertThrows(PlaybackRefusal.class, () -> create(null)).type());
        assertEquals("stream-not-found", assertThrows(PlaybackRefusal.class, () -> timelines.command(host, ann,
                "44444444-4444-4444-8444-444444444444", play("x"))).type());
    }

    @Test
    void acceptedCommandsReachTheLogAndTheStreamRowThroughTheFlush() {
        Timeline created = create(null);
        timelines.command(host, ann, created.stream(), play("p1"));
        timelines.command(host, ann, created.stream(), new PlaybackCommand(CommandType.SEEK, 90_000L, null, null, null, "s1"));
        log.flush();
        assertEquals(0, log.backlog());
        StreamRecords.EventFilter all = new StreamRecords.EventFilter(null, null, null);
        assertEquals(List.of("play", "seek"), log.records.events(created.stream(), all, 0, 10).stream()
                .map(dev.roomkeeper.playback.entity.PlaybackEvent::getEventType).toList());
        assertTrue(log.records.stream(created.stream()).orElseThrow().isPlaying());
        assertEquals(90_000, log.records.stream(created.stream()).orElseThrow().getPositionMs());
    }

    @Test
    void viewersAreCorrectedOnlyBeyondTheToleranceAndSyncRequestsAreAnswered() {
        Timeline created = create(null);
        Timelines.Outcome paused = timelines.command(host, ann, created.stream(),
                new PlaybackCommand(CommandType.PAUSE, 30_000L, null, null, null, "p1"));
        long at = paused.timeline().at();
        Timelines.Judged close = timelines.report(viewer, bob, created.stream(), 30_300, at + 5_000, "r1");
        assertFalse(close.report().correct());
        assertEquals(300, close.report().driftMs());
        Timelines.Judged far = timelines.report(viewer, bob, created.stream(), 29_000, at + 5_000, "r2");
        assertTrue(far.report().correct());
        assertEquals(30_000, far.report().expectedMs());
        KeyedEntry answered = timelines.syncRequest(viewer, bob, created.stream(), "q1");
        assertEquals(paused.seq(), answered.version());
        log.flush();
        assertEquals(List.of("pause", "position", "sync_request"), log.records.events(created.stream(),
                new StreamRecords.EventFilter(null, null, null), 0, 10).stream()
                .map(dev.roomkeeper.playback.entity.PlaybackEvent::getEventType).sorted().toList(),
                "corrections and sync requests are logged, reports within the tolerance are not");
        assertEquals(2, events().size(), "reports publish nothing");
    }

    private BufferingGates gates(java.time.Duration maxWait) {
        timelines.settings.bufferMaxWait = maxWait;
        timelines.settings.reportBurst = 100;
        BufferingGates gates = new BufferingGates();
        gates.state = timelines.state;
        gates.timelines = timelines;
        gates.settings = timelines.settings;
        gates.log = log;
        gates.metrics = timelines.metrics;
        gates.jobs = log.jobs;
        gates.events = new dev.roomkeeper.stream.control.RoomEvents() {
            @Override
            public RoomEvent publish(String roomId, String type, jakarta.json.JsonObject data) {
                return broker.publish(roomId, type, data.toString());
            }
        };
        gates.init();
        return gates;
    }

    private List<String> causes() {
        return events().stream().filter(e -> e.type().equals("playback.set"))
                .map(e -> Timeline.fromJson(jakarta.json.Json.createReader(new java.io.StringReader(e.data()))
                        .readObject().getJsonObject("value").toString()).cause()).toList();
    }

    @Test
    void bufferingViewersPauseTheGroupOnceAndItResumesOnceWhenAllAreReady() {
        BufferingGates gates = gates(java.time.Duration.ofMinutes(1));
        Timeline created = create(null);
        timelines.command(host, ann, created.stream(), play("p1"));
        Caller cy = new Caller("cy", null, null, false, Map.of(), Instant.now().plusSeconds(3600));
        assertEquals(BufferingGates.Result.PAUSED, gates.report(viewer, bob, created.stream(), true, null));
        assertEquals(BufferingGates.Result.WAITING, gates.report(viewer, cy, created.stream(), true, null));
        assertEquals(BufferingGates.Result.REPORTED, gates.report(viewer, bob, created.stream(), false, null));
        assertEquals(BufferingGates.Result.RESUMED, gates.report(viewer, cy, created.stream(), false, null));
        assertEquals(List.of("create", "play", "buffering", "ready"), causes());
        assertTrue(timelines.timeline(ROOM, created.stream()).orElseThrow().playing());
    }

    @Test
    void aViewerThatKeepsBufferingIsLeftBehindAtTheMaximumWaitAndNeverPausesTheRoomAgain() {
        BufferingGates gates = gates(java.time.Duration.ZERO);
        Timeline created = create(null);
        timelines.command(host, ann, created.stream(), play("p1"));
        assertEquals(BufferingGates.Result.PAUSED, gates.report(viewer, bob, created.stream(), true, null));
        gates.sweep();
        assertEquals(List.of("create", "play", "buffering", "ready"), causes());
        RoomEvent told = events().get(events().size() - 1);
        assertEquals("playback.left-behind", told.type());
        assertTrue(told.data().contains("\"bob\""), told.data());
        assertEquals(BufferingGates.Result.LEFT_BEHIND, gates.report(viewer, bob, created.stream(), true, null));
        gates.sweep();
        assertEquals(4, causes().size(), "no further pause: " + causes());
    }

    @Test
    void withWaitForEveryoneOffBufferingIsOnlyReported() {
        BufferingGates gates = gates(java.time.Duration.ofMinutes(1));
        Timeline created = timelines.create(host, ann, new StreamRequest("https://cdn.example/f.mp4", "Film", true, 500,
                false, null)).timeline();
        timelines.command(host, ann, created.stream(), play("p1"));
        assertEquals(BufferingGates.Result.REPORTED, gates.report(viewer, bob, created.stream(), true, null));
        assertEquals(List.of("create", "play"), causes());
        log.flush();
        assertEquals(1, log.records.countEvents(created.stream(), new StreamRecords.EventFilter("buffer_start", null, null)));
    }

    @Test
    void aBufferingViewerWhoLeavesNoLongerHoldsTheGroup() {
        BufferingGates gates = gates(java.time.Duration.ofMinutes(1));
        Timeline created = create(null);
        timelines.command(host, ann, created.stream(), play("p1"));
        assertEquals(BufferingGates.Result.PAUSED, gates.report(viewer, bob, created.stream(), true, null));
        gates.left(ROOM, created.stream(), "bob");
        assertEquals(List.of("create", "play", "buffering", "ready"), causes());
    }
}
