package dev.roomkeeper.participants.control;

import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.engine.memory.MemoryEngine;
import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Participant;
import dev.roomkeeper.participants.entity.Target;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.stream.control.RoomEvents;
import dev.roomkeeper.stream.entity.Published;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.testing.LiveKitRoomService;
import jakarta.json.JsonObject;
import livekit.LivekitModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reconciliation through LiveKit's SDK against a stand-in for LiveKit's room service ({@link LiveKitRoomService}: an
 * HTTP server in the test speaking the SDK's Twirp protocol, protobuf over POST). A missed left, a missed join and a missed update are
 * corrected with the same events webhooks make; an unreachable LiveKit opens the circuit and ingest goes on.
 */
class ParticipantRepairTest {

    private static final String KEY = "APIrepair";
    private static final String SECRET = "repair-secret-0123456789abcdef012345";
    private static final String CHANNEL = "Stage";
    private static final String LIVEKIT_ROOM = "town-hall-Stage";

    private LiveKitRoomService livekit;
    private MemoryEngine engine;
    private ParticipantCache cache;
    private final List<RoomEvent> published = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        livekit = LiveKitRoomService.start();
        engine = new MemoryEngine(EngineSettings.defaults());
        cache = cache(engine);
    }

    @AfterEach
    void stop() {
        livekit.close();
        engine.close();
    }

    @Test
    void aMissedLeftAMissedJoinAndAMissedUpdateAreCorrectedWithTheirEvents() {
        Target target = new Target("room-1", CHANNEL);
        long longAgo = System.currentTimeMillis() / 1000 - 600;
        cache.record(target, joined("EV_1", "PA_gone", 1, longAgo));
        cache.record(target, joined("EV_2", "PA_stays", 1, longAgo));
        livekit.room(LIVEKIT_ROOM, List.of(
                info("PA_stays", 4, LivekitModels.TrackType.VIDEO),
                info("PA_new", 2, LivekitModels.TrackType.AUDIO)));
        published.clear();

        ParticipantRepair repair = repair(url());
        assertTrue(repair.reconcile(target, LIVEKIT_ROOM));

        List<String> present = cache.members("room-1", CHANNEL).present().stream().map(Participant::sid).sorted().toList();
        assertEquals(List.of("PA_new", "PA_stays"), present);
        assertEquals("video", cache.members("room-1", CHANNEL).present().stream()
                .filter(p -> p.sid().equals("PA_stays")).findFirst().orElseThrow().tracks().get(0).kind());
        assertEquals(List.of(ParticipantRules.LEFT, ParticipantRules.JOINED, ParticipantRules.UPDATED).stream().sorted().toList(),
                published.stream().map(RoomEvent::type).sorted().toList());
        assertTrue(livekit.calls().get(0).authorization().startsWith("Bearer "), "the SDK signs its calls");
        assertEquals("application/protobuf", livekit.calls().get(0).contentType());
        assertTrue(cache.channel(target).orElseThrow().syncedAt() > 0);

        published.clear();
        assertTrue(repair.reconcile(target, LIVEKIT_ROOM));
        assertTrue(published.isEmpty(), "nothing left to correct: " + published);
    }

    @Test
    void aRoomLiveKitNoLongerHasIsEmptied() {
        Target target = new Target("room-2", CHANNEL);
        cache.record(target, joined("EV_1", "PA_ghost", 1, System.currentTimeMillis() / 1000 - 600));

        assertTrue(repair(url()).reconcile(target, LIVEKIT_ROOM));

        assertTrue(cache.members("room-2", CHANNEL).present().isEmpty());
    }

    @Test
    void aSessionHeardOfJustNowIsNotEndedByAnOlderListing() {
        Target target = new Target("room-3", CHANNEL);
        cache.record(target, joined("EV_1", "PA_fresh", 1, System.currentTimeMillis() / 1000));
        livekit.room(LIVEKIT_ROOM, List.of());

        assertTrue(repair(url()).reconcile(target, LIVEKIT_ROOM));

        assertEquals(1, cache.members("room-3", CHANNEL).present().size());
    }

    @Test
    void anUnreachableLiveKitOpensTheCircuitAndIngestGoesOn() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        ParticipantRepair repair = repair("http://127.0.0.1:" + closedPort);
        Target target = new Target("room-4", CHANNEL);

        for (int i = 0; i < LiveKitRooms.FAILURES_TO_OPEN; i++) {
            assertFalse(repair.reconcile(target, LIVEKIT_ROOM));
        }
        assertTrue(repair.livekit.health().open(), "the circuit is open");
        assertEquals(LiveKitRooms.Status.UNAVAILABLE, repair.livekit.list(LIVEKIT_ROOM).status());

        cache.record(target, joined("EV_1", "PA_1", 1, System.currentTimeMillis() / 1000));
        assertEquals(1, cache.members("room-4", CHANNEL).present().size());
    }

    @Test
    void theDiffEndsOnlyUnlistedSessionsOlderThanTheSlackAndAppliesNewerOnes() {
        Participant old = session("PA_old", 1, 1_000);
        Participant recent = session("PA_recent", 1, 99_000);
        Participant same = session("PA_same", 3, 1_000);
        Reconciliation.Plan plan = Reconciliation.diff(List.of(old, recent, same),
                List.of(session("PA_same", 3, 0), session("PA_new", 1, 0)), 100_000, 5_000);

        assertEquals(List.of("PA_old"), plan.toEnd().stream().map(Participant::sid).toList());
        assertEquals(List.of("PA_new"), plan.toApply().stream().map(Participant::sid).toList());
    }

    private String url() {
        return livekit.url();
    }

    private ParticipantRepair repair(String url) {
        ParticipantRepair repair = new ParticipantRepair();
        repair.cache = cache;
        repair.settings = cache.settings;
        repair.metrics = Meters.inMemory();
        repair.livekit = new LiveKitRooms();
        ParticipantSettings settings = settings();
        settings.url = Optional.of(url);
        settings.keys = Optional.of(KEY + ":" + SECRET);
        settings.timeout = "PT1S";
        repair.livekit.settings = settings;
        repair.init();
        return repair;
    }

    private static ParticipantSettings settings() {
        ParticipantSettings settings = new ParticipantSettings();
        settings.ttl = "PT6H";
        settings.leftTtl = "PT15M";
        settings.channelTtl = "PT24H";
        settings.maxAge = "PT5M";
        settings.maxKeys = "1000";
        settings.maxValueBytes = "65536";
        return settings;
    }

    private ParticipantCache cache(MemoryEngine engine) {
        KeyedStateStore store = engine.keyedState();
        ParticipantCache c = new ParticipantCache();
        c.state = new KeyedState() {
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
                return store.snapshot(room, space, prefix);
            }
        };
        c.events = new RoomEvents() {
            @Override
            public RoomEvent publish(String roomId, String type, JsonObject data) {
                RoomEvent event = engine.stream().publish(roomId, type, data.toString());
                published.add(event);
                return event;
            }

            @Override
            public Published publishOnce(String roomId, String type, JsonObject data, String idempotencyKey) {
                Published result = engine.stream().publishOnce(roomId, type, data.toString(), idempotencyKey,
                        Duration.ofMinutes(5));
                if (!result.duplicate()) {
                    published.add(result.event());
                }
                return result;
            }
        };
        c.settings = settings();
        return c;
    }

    private static LiveKitEvent joined(String id, String sid, int version, long atSeconds) {
        return new LiveKitEvent(id, LiveKitEvent.Kind.PARTICIPANT_JOINED, "participant_joined", atSeconds * 1000,
                LIVEKIT_ROOM, "RM_1", session(sid, version, 0), null);
    }

    private static Participant session(String sid, int version, long at) {
        return new Participant(CHANNEL, sid, "user-" + sid, "", "", 0, List.of(), "", version, at, false, null, List.of(),
                null);
    }

    private static LivekitModels.ParticipantInfo info(String sid, int version, LivekitModels.TrackType type) {
        return LivekitModels.ParticipantInfo.newBuilder().setSid(sid).setIdentity("user-" + sid).setVersion(version)
                .addTracks(LivekitModels.TrackInfo.newBuilder().setSid("TR_" + sid).setType(type).build()).build();
    }
}
