package dev.roomkeeper.participants.control;

import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.participants.entity.LiveKitEvent;
import dev.roomkeeper.participants.entity.Outcome;
import dev.roomkeeper.participants.entity.Participant;
import dev.roomkeeper.participants.entity.Target;
import dev.roomkeeper.participants.entity.Track;
import dev.roomkeeper.stream.control.RoomEvents;
import dev.roomkeeper.stream.entity.Published;
import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the participants cache promises on every engine, with two "nodes" (two caches, each on its own engine; on
 * Redis both share one redis-server, as two servers would): deliveries shuffled, repeated and ingested concurrently
 * on both nodes end in the true state, and the events published, applied by a client in seq order, end there too.
 * Each engine's test extends this and says how to make a node.
 */
public abstract class ParticipantCacheContract {

    private static final String CHANNEL = "General Lounge";
    private final List<ParticipantCache> nodes = new ArrayList<>();
    private final List<RoomEvent> published = Collections.synchronizedList(new ArrayList<>());

    /** A node (an engine) sharing the backing store of every node this test opened before. */
    protected abstract Engine open(EngineSettings settings);

    /** Closes what {@link #open} opened. */
    protected abstract void closeAll();

    @BeforeEach
    void openNodes() {
        nodes.add(node());
        nodes.add(node());
    }

    @AfterEach
    void closeNodes() {
        closeAll();
    }

    private ParticipantCache node() {
        Engine engine = open(new EngineSettings(100_000, Duration.ofHours(1), Duration.ofHours(24),
                java.time.Clock.systemUTC()));
        KeyedStateStore store = engine.keyedState();
        ParticipantCache cache = new ParticipantCache();
        cache.state = new KeyedState() {
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
        cache.events = new RoomEvents() {
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
        cache.settings = new ParticipantSettings();
        cache.settings.ttl = "PT6H";
        cache.settings.leftTtl = "PT15M";
        cache.settings.channelTtl = "PT24H";
        cache.settings.maxKeys = "100000";
        cache.settings.maxValueBytes = "65536";
        return cache;
    }

    private static String room() {
        return "room-" + UUID.randomUUID();
    }

    @Test
    void tenThousandDeliveriesShuffledRepeatedAndSplitOverTwoNodesEndInTheTrueState() throws Exception {
        Random random = new Random(20261206);
        String room = room();
        Target target = new Target(room, CHANNEL);
        SessionHistory history = SessionHistory.random(random, "lounge-" + CHANNEL, "RM_1", 1600, 1_700_000_000L);
        List<LiveKitEvent> deliveries = history.deliveries(random, 0.5);
        deliveries = deliveries.subList(0, Math.min(deliveries.size(), 10_000));
        // whatever was cut off the shuffled list, its first copies are put back so every event arrives at least once
        Set<String> delivered = new HashSet<>();
        deliveries.forEach(e -> delivered.add(e.id()));
        List<LiveKitEvent> all = new ArrayList<>(deliveries);
        history.events.stream().filter(e -> !delivered.contains(e.id())).forEach(all::add);
        Collections.shuffle(all, random);

        Map<Outcome, AtomicInteger> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new AtomicInteger());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < all.size(); i = next.getAndIncrement()) {
                    Outcome outcome = nodes.get((i + thread) % 2).record(target, all.get(i));
                    outcomes.get(outcome).incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();

        Map<String, List<Track>> truth = ParticipantRulesTest.expected(history.present());
        ParticipantCache.Members members = nodes.get(1).members(room, CHANNEL);
        Map<String, List<Track>> cached = new java.util.TreeMap<>();
        members.present().forEach(p -> cached.put(p.sid(), ParticipantRulesTest.sorted(p.tracks())));
        assertEquals(truth, cached, "the cache holds exactly the present sessions with their tracks");
        assertEquals(truth, clientView(room), "a client applying the events in seq order sees the same");
        assertTrue(outcomes.get(Outcome.DUPLICATE).get() + outcomes.get(Outcome.OUT_OF_ORDER).get()
                >= all.size() - history.events.size(), "every repeat was recognised: " + outcomes);
        assertEquals(0, outcomes.get(Outcome.OVER_LIMIT).get());
        long joins = published.stream().filter(e -> e.type().equals(ParticipantRules.JOINED)).count();
        long lefts = published.stream().filter(e -> e.type().equals(ParticipantRules.LEFT)).count();
        assertTrue(joins <= 1600, "at most one joined per session: " + joins);
        assertEquals(joins - truth.size(), lefts, "every announced session that is gone was announced as left once");
    }

    @Test
    void roomFinishedEmptiesTheChannelOnceAndALateJoinOfThatRoomSessionAddsNobody() {
        String room = room();
        Target target = new Target(room, CHANNEL);
        ParticipantCache a = nodes.get(0);
        ParticipantCache b = nodes.get(1);
        a.record(target, participantEvent(LiveKitEvent.Kind.PARTICIPANT_JOINED, "EV_1", "PA_1", 1, 100));
        b.record(target, participantEvent(LiveKitEvent.Kind.PARTICIPANT_JOINED, "EV_2", "PA_2", 1, 101));
        LiveKitEvent finished = new LiveKitEvent("EV_3", LiveKitEvent.Kind.ROOM_FINISHED, "room_finished", 200_000,
                "lounge-" + CHANNEL, "RM_1", null, null);

        assertEquals(Outcome.RECORDED, a.record(target, finished));
        assertEquals(Outcome.DUPLICATE, b.record(target, finished));
        assertEquals(Outcome.OUT_OF_ORDER,
                b.record(target, participantEvent(LiveKitEvent.Kind.PARTICIPANT_JOINED, "EV_4", "PA_3", 1, 150)));

        assertTrue(a.members(room, CHANNEL).present().isEmpty());
        List<RoomEvent> ended = published.stream().filter(e -> e.type().equals(ParticipantRules.CHANNEL_ENDED)).toList();
        assertEquals(1, ended.size(), "one channel-ended, even for the redelivery");
        assertEquals(Set.of("PA_1", "PA_2"), new HashSet<>(read(ended.get(0).data()).getJsonArray("sids")
                .getValuesAs(jakarta.json.JsonString::getString)));
        assertTrue(clientView(room).isEmpty());
    }

    @Test
    void aParticipantOfANewRoomSessionStaysAfterTheOldSessionFinished() {
        String room = room();
        Target target = new Target(room, CHANNEL);
        ParticipantCache a = nodes.get(0);
        a.record(target, participantEvent(LiveKitEvent.Kind.PARTICIPANT_JOINED, "EV_1", "PA_1", 1, 100));
        LiveKitEvent joinedLater = new LiveKitEvent("EV_2", LiveKitEvent.Kind.PARTICIPANT_JOINED, "participant_joined",
                300_000, "lounge-" + CHANNEL, "RM_2", info("PA_2", 1), null);
        a.record(target, joinedLater);
        a.record(target, new LiveKitEvent("EV_3", LiveKitEvent.Kind.ROOM_FINISHED, "room_finished", 250_000,
                "lounge-" + CHANNEL, "RM_1", null, null));

        assertEquals(List.of("PA_2"), a.members(room, CHANNEL).present().stream().map(Participant::sid).toList());
    }

    private static LiveKitEvent participantEvent(LiveKitEvent.Kind kind, String id, String sid, int version, long atSeconds) {
        return new LiveKitEvent(id, kind, kind.name().toLowerCase(), atSeconds * 1000, "lounge-" + CHANNEL, "RM_1",
                info(sid, version), null);
    }

    private static Participant info(String sid, int version) {
        return new Participant("", sid, "user-" + sid, "", "", 0, List.of(), "", version, 0, false, null, List.of(), null);
    }

    /**
     * What a client holding no snapshot sees after applying the room's participants events in seq order, by the rules
     * in participants.md: joined and updated are upserts of a newer state of the session (by version, then at); a sid
     * that left never comes back; channel-ended removes the sids it lists.
     */
    private Map<String, List<Track>> clientView(String room) {
        List<RoomEvent> events = new ArrayList<>(published);
        events.removeIf(e -> !e.room().equals(room));
        events.sort(Comparator.comparingLong(RoomEvent::seq));
        Map<String, Participant> sessions = new HashMap<>();
        Set<String> gone = new HashSet<>();
        for (RoomEvent event : events) {
            JsonObject data = read(event.data());
            switch (event.type()) {
                case ParticipantRules.JOINED, ParticipantRules.UPDATED -> {
                    JsonObject p = data.getJsonObject("participant");
                    String sid = p.getString("sid");
                    Participant held = sessions.get(sid);
                    long version = p.getJsonNumber("version").longValue();
                    long at = p.getJsonNumber("at").longValue();
                    boolean newer = held == null || version > held.version() || version == held.version() && at >= held.at();
                    if (!gone.contains(sid) && newer) {
                        List<Track> tracks = new ArrayList<>();
                        p.getJsonArray("tracks").forEach(t -> tracks.add(Track.of(t.asJsonObject())));
                        sessions.put(sid, new Participant(CHANNEL, sid, "", "", "", 0, tracks, "", version, at, false,
                                null, List.of(), null));
                    }
                }
                case ParticipantRules.LEFT -> {
                    gone.add(data.getString("sid"));
                    sessions.remove(data.getString("sid"));
                }
                case ParticipantRules.CHANNEL_ENDED -> data.getJsonArray("sids").forEach(v -> {
                    String sid = ((jakarta.json.JsonString) v).getString();
                    gone.add(sid);
                    sessions.remove(sid);
                });
                default -> {
                    // other events of the room
                }
            }
        }
        Map<String, List<Track>> view = new java.util.TreeMap<>();
        sessions.values().forEach(p -> view.put(p.sid(), ParticipantRulesTest.sorted(p.tracks())));
        return view;
    }

    private static JsonObject read(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            return value.asJsonObject();
        }
    }
}
