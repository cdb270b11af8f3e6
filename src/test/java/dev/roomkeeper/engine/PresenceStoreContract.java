package dev.roomkeeper.engine;

import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.stream.control.StreamBroker;
import dev.roomkeeper.presence.control.PresenceStore;
import dev.roomkeeper.presence.control.PresenceStore.Heartbeat;
import dev.roomkeeper.presence.entity.ChangeKind;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.presence.entity.PresenceSnapshot;
import dev.roomkeeper.presence.entity.SessionState;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.testing.MutableClock;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every presence store promises. Each store's test extends this and says how to make a node:
 * an engine and the store beside it. Nodes opened by one test share their backing store, as the nodes
 * of one cluster do (for the in-process store, every "node" is the same one).
 */
public abstract class PresenceStoreContract {

    private static final Logger LOG = Logger.getLogger(PresenceStoreContract.class.getName());

    protected static final int HISTORY = 10_000;
    protected static final String ANN = "{\"displayName\":\"Ann\"}";
    protected static final String ANNE = "{\"displayName\":\"Anne\"}";

    protected MutableClock clock;
    protected Node node;
    protected PresenceStore store;
    protected StreamBroker engine;

    /** A node's room stream and its presence store. */
    protected record Node(StreamBroker engine, PresenceStore store) {
        public Node(Engine backend) {
            this(backend.stream(), backend.presence());
        }
    }

    /** A node sharing the backing store of every node this test opened before. */
    protected abstract Node open(EngineSettings settings);

    /** Closes what {@link #open} opened. */
    protected abstract void closeAll();

    protected Node open() {
        return open(new EngineSettings(HISTORY, Duration.ofHours(1), Duration.ofHours(24), clock));
    }

    @BeforeEach
    void openNode() {
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        node = open();
        store = node.store();
        engine = node.engine();
    }

    @AfterEach
    void closeNodes() {
        closeAll();
    }

    // ---- joins, sessions and leaves

    @Test
    void userWithSeveralSessionsJoinsOnceAndLeavesOnce() {
        String r = room();
        assertEquals(ChangeKind.USER_JOINED, kind(store.join(r, "ann", "tab-1", ANN, in(30))));
        assertEquals(ChangeKind.SESSION_ADDED, kind(store.join(r, "ann", "tab-2", ANN, in(30))));
        assertEquals(ChangeKind.SESSION_REMOVED, kind(store.leave(r, "ann", "tab-1", LeaveReason.LEFT)));
        assertEquals(ChangeKind.USER_LEFT, kind(store.leave(r, "ann", "tab-2", LeaveReason.LEFT)));
        assertEquals(List.of("presence.join", "room.occupied", "presence.update", "presence.update", "presence.leave",
                "room.vacated"), types(r));
        List<JsonObject> updates = events(r).stream().filter(e -> e.type().equals("presence.update"))
                .map(e -> json(e.data())).toList();
        assertEquals(List.of("session-added", "session-removed"), updates.stream().map(u -> u.getString("change")).toList());
        assertEquals("left", updates.get(1).getString("reason"));
    }

    @Test
    void eventDataIsBuiltOnceWithMetaAsAnObject() {
        String r = room();
        long joinedAt = clock.millis();
        PresenceChange joined = store.join(r, "ann", "tab-1", ANN, in(30)).orElseThrow();
        assertEquals("{\"userId\":\"ann\",\"sessionId\":\"tab-1\",\"state\":\"online\",\"joinedAt\":" + joinedAt
                + ",\"meta\":{\"displayName\":\"Ann\"}}", joined.event().data());
        assertEquals("presence.join", joined.event().type());

        clock.advance(Duration.ofSeconds(1));
        PresenceChange added = store.join(r, "ann", "tab-2", "{}", in(30)).orElseThrow();
        assertEquals("{\"userId\":\"ann\",\"sessionId\":\"tab-2\",\"change\":\"session-added\",\"state\":\"online\","
                + "\"joinedAt\":" + clock.millis() + ",\"meta\":{}}", added.event().data());

        PresenceChange reconnecting = store.reconnecting(r, "ann", "tab-1", in(10)).orElseThrow();
        assertEquals("{\"userId\":\"ann\",\"sessionId\":\"tab-1\",\"change\":\"reconnecting\",\"state\":\"reconnecting\","
                + "\"joinedAt\":" + joinedAt + ",\"meta\":{\"displayName\":\"Ann\"}}", reconnecting.event().data());

        PresenceChange removed = store.leave(r, "ann", "tab-1", LeaveReason.CLOSED).orElseThrow();
        assertEquals("{\"userId\":\"ann\",\"sessionId\":\"tab-1\",\"change\":\"session-removed\",\"state\":\"reconnecting\","
                + "\"joinedAt\":" + joinedAt + ",\"meta\":{\"displayName\":\"Ann\"},\"reason\":\"closed\"}",
                removed.event().data());
        assertEquals(LeaveReason.CLOSED, removed.reason());

        clock.advance(Duration.ofSeconds(1));
        PresenceChange left = store.leave(r, "ann", "tab-2", LeaveReason.KICKED).orElseThrow();
        assertEquals("{\"userId\":\"ann\",\"sessionId\":\"tab-2\",\"reason\":\"kicked\",\"lastDisconnected\":"
                + clock.millis() + "}", left.event().data());
        assertEquals("presence.leave", left.event().type());
    }

    @Test
    void changesCarryTheSessionAndThePublishedEvent() {
        String r = room();
        long deadline = in(30);
        PresenceChange joined = store.join(r, "ann", "tab-1", ANN, deadline).orElseThrow();
        assertEquals(r, joined.room());
        assertEquals("ann", joined.userId());
        assertEquals(new PresenceSession("tab-1", "ann", ANN, SessionState.ONLINE, clock.millis(), deadline), joined.session());
        assertEquals(null, joined.reason());
        assertEquals(new RoomEvent(r, 1, "presence.join", joined.event().data(), clock.millis()), joined.event());
        assertEquals(new RoomEvent(r, 2, "room.occupied", "{\"at\":" + clock.millis() + "}", clock.millis()),
                joined.occupancy());
        PresenceChange left = store.leave(r, "ann", "tab-1", LeaveReason.LEFT).orElseThrow();
        assertEquals(joined.session(), left.session(), "an ended session as it was when it ended");
        assertEquals(3, left.event().seq());
        assertEquals(new RoomEvent(r, 4, "room.vacated", "{\"at\":" + clock.millis() + ",\"reason\":\"left\"}",
                clock.millis()), left.occupancy());
        assertEquals(List.of(joined.event(), joined.occupancy(), left.event(), left.occupancy()), events(r));
    }

    @Test
    void changedMetaIsOneUpdateWithoutLeaveOrJoin() {
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(30));
        PresenceChange viaJoin = store.join(r, "ann", "tab-1", ANNE, in(30)).orElseThrow();
        assertEquals(ChangeKind.META_UPDATED, viaJoin.kind());
        assertEquals(ANNE, viaJoin.session().meta());
        PresenceChange viaUpdate = store.update(r, "ann", "tab-1", ANN).orElseThrow();
        assertEquals(ChangeKind.META_UPDATED, viaUpdate.kind());
        assertEquals(List.of("presence.join", "room.occupied", "presence.update", "presence.update"), types(r));
        JsonObject data = json(viaUpdate.event().data());
        assertEquals("meta", data.getString("change"));
        assertEquals("Ann", data.getJsonObject("meta").getString("displayName"));
    }

    @Test
    void unchangedMetaPublishesNothingButStillMovesTheDeadline() {
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(30));
        long later = in(90);
        assertTrue(store.join(r, "ann", "tab-1", ANN, later).isEmpty());
        assertTrue(store.update(r, "ann", "tab-1", ANN).isEmpty());
        assertEquals(2, events(r).size(), "the join and the room's occupation");
        assertEquals(later, store.snapshot(r).sessions().get(0).deadline());
    }

    @Test
    void unknownSessionsChangeNothing() {
        String r = room();
        assertEquals(new Heartbeat(false, Optional.empty()), store.heartbeat(r, "ann", "tab-1", in(30)));
        assertTrue(store.update(r, "ann", "tab-1", ANN).isEmpty());
        assertTrue(store.reconnecting(r, "ann", "tab-1", in(10)).isEmpty());
        assertTrue(store.leave(r, "ann", "tab-1", LeaveReason.LEFT).isEmpty());
        assertTrue(store.leaveUser(r, "ann", LeaveReason.KICKED).isEmpty());
        assertTrue(store.clearRoom(r, LeaveReason.CLOSED).isEmpty());
        store.join(r, "bob", "tab-1", "{}", in(30));
        assertEquals(new Heartbeat(false, Optional.empty()), store.heartbeat(r, "ann", "tab-1", in(30)),
                "a session id is the user's own: another user's tab-1 is not ann's");
        assertTrue(store.leave(r, "ann", "tab-1", LeaveReason.LEFT).isEmpty());
        assertEquals(List.of("presence.join", "room.occupied"), types(r));
    }

    @Test
    void twoUsersMayUseTheSameSessionId() {
        String r = room();
        assertEquals(ChangeKind.USER_JOINED, kind(store.join(r, "ann", "tab-1", ANN, in(30))));
        assertEquals(ChangeKind.USER_JOINED, kind(store.join(r, "bob", "tab-1", "{}", in(30))));
        assertEquals(ChangeKind.USER_LEFT, kind(store.leave(r, "bob", "tab-1", LeaveReason.LEFT)));
        assertEquals(List.of("ann"), store.snapshot(r).sessions().stream().map(PresenceSession::userId).toList());
    }

    // ---- heartbeats and expiry

    @Test
    void heartbeatExtendsTheDeadlineAndExpirySkipsIt() {
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(30));
        clock.advance(Duration.ofSeconds(20));
        assertEquals(new Heartbeat(true, Optional.empty()), store.heartbeat(r, "ann", "tab-1", in(30)));
        clock.advance(Duration.ofSeconds(20)); // past the first deadline, before the second
        assertTrue(store.expire(clock.millis(), 100).isEmpty());
        assertEquals(1, store.sessionCount());
        assertEquals(List.of("presence.join", "room.occupied"), types(r), "heartbeats publish nothing");
    }

    @Test
    void silentSessionExpiresExactlyOnce() {
        String r = room();
        long deadline = in(30);
        store.join(r, "ann", "tab-1", ANN, deadline);
        assertTrue(store.expire(deadline, 100).isEmpty(), "due only once its deadline has passed");
        clock.advance(Duration.ofSeconds(31));
        List<PresenceChange> expired = store.expire(clock.millis(), 100);
        assertEquals(1, expired.size());
        assertEquals(ChangeKind.USER_LEFT, expired.get(0).kind());
        assertEquals(LeaveReason.EXPIRED, expired.get(0).reason());
        assertEquals("expired", json(expired.get(0).event().data()).getString("reason"));
        assertTrue(store.expire(clock.millis(), 100).isEmpty());
        assertEquals(new Heartbeat(false, Optional.empty()), store.heartbeat(r, "ann", "tab-1", in(30)));
        assertEquals(List.of("presence.join", "room.occupied", "presence.leave", "room.vacated"), types(r));
        assertEquals("expired", json(expired.get(0).occupancy().data()).getString("reason"));
        assertEquals(0, store.sessionCount());
    }

    @Test
    void expiryEndsAtMostMaxSessionsOldestFirst() {
        String r = room();
        for (int i = 0; i < 5; i++) {
            store.join(r, "user-" + i, "tab", "{}", in(10 + i));
        }
        clock.advance(Duration.ofMinutes(1));
        List<PresenceChange> first = store.expire(clock.millis(), 2);
        assertEquals(List.of("user-0", "user-1"), first.stream().map(PresenceChange::userId).toList());
        assertEquals(3, store.expire(clock.millis(), 10).size());
        assertTrue(store.expire(clock.millis(), 10).isEmpty());
    }

    @Test
    void expiryOfOneOfSeveralSessionsIsASessionRemoval() {
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(10));
        store.join(r, "ann", "tab-2", ANN, in(60));
        clock.advance(Duration.ofSeconds(30));
        List<PresenceChange> expired = store.expire(clock.millis(), 100);
        assertEquals(List.of(ChangeKind.SESSION_REMOVED), expired.stream().map(PresenceChange::kind).toList());
        assertEquals("expired", json(expired.get(0).event().data()).getString("reason"));
    }

    // ---- reconnecting

    @Test
    void reconnectingSessionResumesOnHeartbeatWithoutLeaveOrJoin() {
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(30));
        PresenceChange dropped = store.reconnecting(r, "ann", "tab-1", in(10)).orElseThrow();
        assertEquals(ChangeKind.RECONNECTING, dropped.kind());
        assertEquals(SessionState.RECONNECTING, dropped.session().state());
        assertEquals(in(10), dropped.session().deadline());
        assertTrue(store.reconnecting(r, "ann", "tab-1", in(20)).isEmpty(), "already reconnecting");
        assertEquals(in(10), store.snapshot(r).sessions().get(0).deadline(), "the first grace stands");

        Heartbeat back = store.heartbeat(r, "ann", "tab-1", in(30));
        assertTrue(back.known());
        assertEquals(ChangeKind.RESUMED, back.change().orElseThrow().kind());
        assertEquals(SessionState.ONLINE, back.change().orElseThrow().session().state());
        assertEquals(new Heartbeat(true, Optional.empty()), store.heartbeat(r, "ann", "tab-1", in(30)));
        assertEquals(List.of("presence.join", "room.occupied", "presence.update", "presence.update"), types(r),
                "a reconnecting session still occupies the room");
        assertEquals(List.of("reconnecting", "resumed"), events(r).subList(2, 4).stream()
                .map(e -> json(e.data()).getString("change")).toList());
        assertEquals("online", json(events(r).get(3).data()).getString("state"));
    }

    @Test
    void reconnectingSessionResumesOnJoinWithItsNewMeta() {
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(30));
        store.reconnecting(r, "ann", "tab-1", in(10));
        PresenceChange resumed = store.join(r, "ann", "tab-1", ANNE, in(30)).orElseThrow();
        assertEquals(ChangeKind.RESUMED, resumed.kind());
        assertEquals(ANNE, resumed.session().meta());
        assertEquals(SessionState.ONLINE, store.snapshot(r).sessions().get(0).state());
        assertEquals(List.of("presence.join", "room.occupied", "presence.update", "presence.update"), types(r));
    }

    @Test
    void reconnectingSessionWhoseGraceRunsOutLeavesExpired() {
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(300));
        store.reconnecting(r, "ann", "tab-1", in(10));
        clock.advance(Duration.ofSeconds(11));
        List<PresenceChange> expired = store.expire(clock.millis(), 100);
        assertEquals(List.of(ChangeKind.USER_LEFT), expired.stream().map(PresenceChange::kind).toList());
        assertEquals(LeaveReason.EXPIRED, expired.get(0).reason());
        assertEquals(SessionState.RECONNECTING, expired.get(0).session().state());
        assertEquals(List.of("presence.join", "room.occupied", "presence.update", "presence.leave", "room.vacated"),
                types(r));
    }

    // ---- kicks and closed rooms

    @Test
    void leaveUserEndsEverySessionWithOneLeaveAtTheEnd() {
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(30));
        store.join(r, "ann", "tab-2", ANN, in(30));
        store.join(r, "ann", "tab-3", ANN, in(30));
        store.join(r, "bob", "tab-1", "{}", in(30));
        List<PresenceChange> kicked = store.leaveUser(r, "ann", LeaveReason.KICKED);
        assertEquals(List.of(ChangeKind.SESSION_REMOVED, ChangeKind.SESSION_REMOVED, ChangeKind.USER_LEFT),
                kicked.stream().map(PresenceChange::kind).toList());
        assertTrue(kicked.stream().allMatch(c -> c.reason() == LeaveReason.KICKED));
        assertEquals(Set.of("tab-1", "tab-2", "tab-3"),
                kicked.stream().map(c -> c.session().sessionId()).collect(java.util.stream.Collectors.toSet()));
        assertEquals(List.of("bob"), store.snapshot(r).sessions().stream().map(PresenceSession::userId).toList());
        assertEquals(List.of(), store.roomsOf("ann"));
        assertEquals(List.of(r), store.roomsOf("bob"));
        assertEquals("kicked", json(events(r).get(events(r).size() - 1).data()).getString("reason"));
    }

    @Test
    void clearRoomEndsEverythingWithOneLeavePerUser() {
        String r = room();
        String other = room();
        store.join(r, "ann", "tab-1", ANN, in(30));
        store.join(r, "ann", "tab-2", ANN, in(30));
        store.join(r, "bob", "tab-1", "{}", in(30));
        store.reconnecting(r, "bob", "tab-1", in(10));
        store.join(other, "ann", "tab-9", ANN, in(30));
        List<PresenceChange> closed = store.clearRoom(r, LeaveReason.CLOSED);
        assertEquals(3, closed.size());
        assertEquals(2, closed.stream().filter(c -> c.kind() == ChangeKind.USER_LEFT).count());
        assertTrue(closed.stream().allMatch(c -> c.reason() == LeaveReason.CLOSED));
        PresenceSnapshot snapshot = store.snapshot(r);
        assertTrue(snapshot.sessions().isEmpty());
        assertEquals(Set.of("ann", "bob"), snapshot.lastDisconnected().keySet());
        assertEquals(List.of(other), store.roomsOf("ann"));
        assertEquals(1, store.sessionCount());
        assertTrue(store.clearRoom(r, LeaveReason.CLOSED).isEmpty());
    }

    // ---- occupancy

    @Test
    void theFirstUserOccupiesTheRoomAndTheLastOneVacatesItWhateverTheirSessions() {
        String r = room();
        long t0 = clock.millis();
        PresenceChange first = store.join(r, "ann", "tab-1", ANN, in(30)).orElseThrow();
        assertEquals("{\"at\":" + t0 + "}", first.occupancy().data());
        assertEquals(first.event().seq() + 1, first.occupancy().seq(), "right after the join");
        assertEquals(null, store.join(r, "bob", "tab-1", "{}", in(30)).orElseThrow().occupancy(), "a second user");
        assertEquals(null, store.join(r, "ann", "tab-2", ANN, in(30)).orElseThrow().occupancy(), "a second tab");
        assertEquals(2, store.usersPresent(r), "users, not sessions");
        assertEquals(null, store.leave(r, "bob", "tab-1", LeaveReason.LEFT).orElseThrow().occupancy());
        assertEquals(null, store.leave(r, "ann", "tab-1", LeaveReason.LEFT).orElseThrow().occupancy());
        assertEquals(null, store.reconnecting(r, "ann", "tab-2", in(10)).orElseThrow().occupancy());
        assertEquals(1, store.usersPresent(r), "a reconnecting session still counts as present");

        clock.advance(Duration.ofSeconds(11));
        List<PresenceChange> expired = store.expire(clock.millis(), 10);
        assertEquals(1, expired.size());
        RoomEvent vacated = expired.get(0).occupancy();
        assertEquals("room.vacated", vacated.type());
        assertEquals("{\"at\":" + clock.millis() + ",\"reason\":\"expired\"}", vacated.data());
        assertEquals(expired.get(0).event().seq() + 1, vacated.seq(), "right after the last leave");
        assertEquals(0, store.usersPresent(r));

        assertEquals("room.occupied", store.join(r, "bob", "tab-1", "{}", in(30)).orElseThrow().occupancy().type(),
                "occupied again");
        assertEquals(List.of("room.occupied", "room.vacated", "room.occupied"),
                types(r).stream().filter(t -> t.startsWith("room.")).toList());
    }

    @Test
    void aKickOrAClosedRoomVacatesOnceWithItsReason() {
        String r = room();
        store.join(r, "ann", "tab-1", ANN, in(30));
        store.join(r, "ann", "tab-2", ANN, in(30));
        List<PresenceChange> kicked = store.leaveUser(r, "ann", LeaveReason.KICKED);
        assertEquals(List.of(false, true), kicked.stream().map(c -> c.occupancy() != null).toList());
        assertEquals("kicked", json(kicked.get(1).occupancy().data()).getString("reason"));

        store.join(r, "ann", "tab-1", ANN, in(30));
        store.join(r, "bob", "tab-1", "{}", in(30));
        store.join(r, "cid", "tab-1", "{}", in(30));
        List<PresenceChange> closed = store.clearRoom(r, LeaveReason.CLOSED);
        assertEquals(List.of(false, false, true), closed.stream().map(c -> c.occupancy() != null).toList(),
                "vacated only after the last user's leave");
        assertEquals("closed", json(closed.get(2).occupancy().data()).getString("reason"));
        assertEquals(List.of("room.occupied", "room.vacated", "room.occupied", "room.vacated"),
                types(r).stream().filter(t -> t.startsWith("room.")).toList());
    }

    @Test
    void usersPresentOfAnUnknownRoomIsZeroAndReleaseForgetsWhatIsLeft() {
        String r = room();
        assertEquals(0, store.usersPresent(r));
        store.join(r, "ann", "tab-1", ANN, in(30));
        store.join(r, "bob", "tab-1", "{}", in(30));
        store.leave(r, "bob", "tab-1", LeaveReason.LEFT);
        store.release(r);
        assertEquals(1, store.usersPresent(r), "release leaves present users alone");
        assertEquals(Map.of(), store.snapshot(r).lastDisconnected());
        store.clearRoom(r, LeaveReason.CLOSED);
        assertEquals(Set.of("ann"), store.snapshot(r).lastDisconnected().keySet());

        store.release(r);

        assertEquals(Map.of(), store.snapshot(r).lastDisconnected());
        assertEquals(0, store.usersPresent(r));
        store.release(room()); // an unknown room: nothing to do
    }

    // ---- reading

    @Test
    void snapshotIsValidAtTheStreamPosition() {
        String r = room();
        PresenceSnapshot empty = store.snapshot(r);
        assertEquals(0, empty.seq());
        assertEquals(engine.position(r), new dev.roomkeeper.stream.entity.StreamPosition(empty.epoch(), 0));

        long annJoined = clock.millis();
        store.join(r, "ann", "tab-1", ANN, in(30));
        clock.advance(Duration.ofSeconds(1));
        store.join(r, "bob", "tab-1", "{}", in(40));
        store.join(r, "cid", "tab-1", "{}", in(40));
        clock.advance(Duration.ofSeconds(1));
        long cidLeft = clock.millis();
        store.leave(r, "cid", "tab-1", LeaveReason.LEFT);
        store.reconnecting(r, "bob", "tab-1", in(15));

        PresenceSnapshot snapshot = store.snapshot(r);
        assertEquals(engine.position(r).seq(), snapshot.seq());
        assertEquals(6, snapshot.seq(), "five presence events and the room's occupation");
        assertEquals(empty.epoch(), snapshot.epoch());
        assertEquals(r, snapshot.room());
        Map<String, PresenceSession> byUser = new HashMap<>();
        snapshot.sessions().forEach(s -> byUser.put(s.userId(), s));
        assertEquals(new PresenceSession("tab-1", "ann", ANN, SessionState.ONLINE, annJoined, annJoined + 30_000),
                byUser.get("ann"));
        assertEquals(new PresenceSession("tab-1", "bob", "{}", SessionState.RECONNECTING, annJoined + 1000, in(15)),
                byUser.get("bob"));
        assertEquals(2, snapshot.sessions().size());
        assertEquals(Map.of("cid", cidLeft), snapshot.lastDisconnected());

        store.join(r, "cid", "tab-2", "{}", in(30));
        assertEquals(Map.of(), store.snapshot(r).lastDisconnected(), "present again");
    }

    @Test
    void roomsOfAndSessionCountFollowJoinsAndLeaves() {
        String a = room();
        String b = room();
        store.join(a, "ann", "tab-1", ANN, in(30));
        store.join(a, "ann", "tab-2", ANN, in(30));
        store.join(b, "ann", "tab-3", ANN, in(30));
        store.join(b, "bob", "tab-1", "{}", in(30));
        assertEquals(List.of(a, b).stream().sorted().toList(), store.roomsOf("ann").stream().sorted().toList());
        assertEquals(List.of(b), store.roomsOf("bob"));
        assertEquals(List.of(), store.roomsOf("nobody"));
        assertEquals(4, store.sessionCount());
        store.leave(a, "ann", "tab-1", LeaveReason.LEFT);
        assertEquals(2, store.roomsOf("ann").size(), "still has tab-2 in " + a);
        store.leave(a, "ann", "tab-2", LeaveReason.LEFT);
        assertEquals(List.of(b), store.roomsOf("ann"));
        assertEquals(2, store.sessionCount());
    }

    @Test
    void eventsReachTheRoomsStreamInSeqOrderAsReturned() {
        String r = room();
        List<PresenceChange> changes = new ArrayList<>();
        store.join(r, "ann", "tab-1", ANN, in(30)).ifPresent(changes::add);
        engine.publish(r, "chat.message", "{}"); // other events share the stream
        store.join(r, "ann", "tab-2", ANN, in(30)).ifPresent(changes::add);
        store.update(r, "ann", "tab-2", ANNE).ifPresent(changes::add);
        store.reconnecting(r, "ann", "tab-1", in(5)).ifPresent(changes::add);
        store.heartbeat(r, "ann", "tab-1", in(30)).change().ifPresent(changes::add);
        changes.addAll(store.leaveUser(r, "ann", LeaveReason.KICKED));
        List<RoomEvent> stream = events(r).stream().filter(e -> !e.type().equals("chat.message")).toList();
        assertEquals(changes.stream().flatMap(c -> c.events().stream()).toList(), stream);
        assertEquals(List.of(1L, 2L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), stream.stream().map(RoomEvent::seq).toList());
        assertEquals(List.of("presence.join", "room.occupied", "presence.update", "presence.update", "presence.update",
                "presence.update", "presence.update", "presence.leave", "room.vacated"),
                stream.stream().map(RoomEvent::type).toList());
    }

    @Test
    void listenersSeePresenceEvents() throws Exception {
        String r = room();
        List<RoomEvent> seen = Collections.synchronizedList(new ArrayList<>());
        engine.listen(e -> {
            if (e.room().equals(r)) {
                seen.add(e);
            }
        });
        PresenceChange joined = store.join(r, "ann", "tab-1", ANN, in(30)).orElseThrow();
        PresenceChange left = store.leave(r, "ann", "tab-1", LeaveReason.LEFT).orElseThrow();
        StreamBrokerContract.awaitTrue(() -> seen.size() >= 4, "all delivered");
        assertEquals(List.of(joined.event(), joined.occupancy(), left.event(), left.occupancy()), List.copyOf(seen));
    }

    @Test
    void awkwardIdsAndMetaStayValidJson() {
        String r = room();
        String user = "a\"n\\n/é😀\u0001\u007f\t";
        String session = "t\"ab</script>";
        String meta = "{\"displayName\":\"x\\ny\",\"custom\":{\"list\":[1,2,{\"k\":null}]}}";
        PresenceChange joined = store.join(r, user, session, meta, in(30)).orElseThrow();
        JsonObject data = json(joined.event().data());
        assertEquals(user, data.getString("userId"));
        assertEquals(session, data.getString("sessionId"));
        assertEquals(json(meta), data.getJsonObject("meta"));
        PresenceSession stored = store.snapshot(r).sessions().get(0);
        assertEquals(user, stored.userId());
        assertEquals(session, stored.sessionId());
        assertEquals(meta, stored.meta());
        assertEquals(List.of(r), store.roomsOf(user));
        JsonObject left = json(store.leave(r, user, session, LeaveReason.LEFT).orElseThrow().event().data());
        assertEquals(user, left.getString("userId"));
        assertEquals(Map.of(user, clock.millis()), store.snapshot(r).lastDisconnected());
    }

    @Test
    void missingMetaIsAnEmptyObject() {
        String r = room();
        PresenceChange joined = store.join(r, "ann", "tab-1", null, in(30)).orElseThrow();
        assertEquals("{}", joined.session().meta());
        assertEquals(json("{}"), json(joined.event().data()).getJsonObject("meta"));
        assertTrue(store.join(r, "ann", "tab-1", " ", in(30)).isEmpty(), "blank is the same empty object");
    }

    @Test
    void newlinesInIdsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> store.join("a\nb", "ann", "tab", "{}", in(30)));
        assertThrows(IllegalArgumentException.class, () -> store.join(room(), "a\nnn", "tab", "{}", in(30)));
        assertThrows(IllegalArgumentException.class, () -> store.heartbeat(room(), "ann", "t\nab", in(30)));
    }

    // ---- concurrency, across nodes

    @Test
    void concurrentSweepsEndEachSessionExactlyOnce() throws Exception {
        Node other = open();
        List<String> rooms = List.of(room(), room(), room(), room());
        int users = 15;
        for (String r : rooms) {
            for (int u = 0; u < users; u++) {
                for (int s = 0; s < 2; s++) {
                    (s == 0 ? store : other.store()).join(r, "user-" + u, "tab-" + s, "{}", in(10 + (u % 3)));
                }
            }
        }
        int total = rooms.size() * users * 2;
        assertEquals(total, store.sessionCount());
        clock.advance(Duration.ofMinutes(1));
        long now = clock.millis();

        List<PresenceChange> ended = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> sweeps = new ArrayList<>();
        for (PresenceStore sweeper : List.of(store, other.store())) {
            sweeps.add(pool.submit(() -> {
                start.await();
                List<PresenceChange> batch;
                do {
                    batch = sweeper.expire(now, 7);
                    ended.addAll(batch);
                } while (!batch.isEmpty());
                return null;
            }));
        }
        start.countDown();
        for (Future<?> sweep : sweeps) {
            sweep.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertEquals(total, ended.size(), "every session ended once");
        assertEquals(total, ended.stream().map(c -> c.room() + "/" + c.userId() + "/" + c.session().sessionId())
                .distinct().count());
        assertEquals(total / 2, ended.stream().filter(c -> c.kind() == ChangeKind.USER_LEFT).count());
        assertEquals(0, store.sessionCount());
        for (String r : rooms) {
            assertJoinsAndLeavesAlternate(events(r));
            assertTrue(store.snapshot(r).sessions().isEmpty());
            assertEquals(1, events(r).stream().filter(e -> e.type().equals("room.vacated")).count(),
                    "the room is vacated once, by whichever sweep ended its last session");
            assertEquals(0, store.usersPresent(r));
        }
    }

    @Test
    void concurrentJoinsAndLeavesOfOneUserAcrossNodesAlternate() throws Exception {
        Node other = open();
        String r = room();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            PresenceStore worker = (t % 2 == 0 ? store : other.store());
            Random random = new Random(t);
            workers.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 150; i++) {
                    String session = "tab-" + random.nextInt(3);
                    switch (random.nextInt(4)) {
                        case 0, 1 -> worker.join(r, "ann", session, "{\"n\":" + random.nextInt(2) + "}", in(30));
                        case 2 -> worker.leave(r, "ann", session, LeaveReason.LEFT);
                        default -> worker.leaveUser(r, "ann", LeaveReason.KICKED);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        Fold fold = new Fold();
        events(r).forEach(fold::apply);
        fold.assertMatches(store.snapshot(r));
        fold.assertMatches(other.store().snapshot(r));
    }

    // ---- randomized: the published events always fold into the store's snapshot

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 20260101})
    void randomInterleavingsFoldIntoTheSnapshot(long seed) {
        Random random = new Random(seed);
        List<PresenceStore> stores = List.of(store, open().store());
        String r = room();
        List<String> users = List.of("ann", "bob", "cid");
        List<String> sessions = List.of("tab-1", "tab-2", "tab-3");
        List<String> metas = List.of("{}", ANN, ANNE, "{\"isSpeaking\":true}");
        Fold fold = new Fold();
        int steps = 1500;
        for (int step = 0; step < steps; step++) {
            PresenceStore s = stores.get(random.nextInt(stores.size()));
            String user = users.get(random.nextInt(users.size()));
            String session = sessions.get(random.nextInt(sessions.size()));
            String meta = metas.get(random.nextInt(metas.size()));
            long deadline = clock.millis() + 1000L * (1 + random.nextInt(20));
            List<PresenceChange> changes = new ArrayList<>();
            int op = random.nextInt(100);
            int max = 1 + random.nextInt(4);
            String what;
            if (op < 25) {
                what = "join";
                s.join(r, user, session, meta, deadline).ifPresent(changes::add);
            } else if (op < 40) {
                what = "heartbeat";
                s.heartbeat(r, user, session, deadline).change().ifPresent(changes::add);
            } else if (op < 48) {
                what = "update";
                s.update(r, user, session, meta).ifPresent(changes::add);
            } else if (op < 58) {
                what = "reconnecting";
                s.reconnecting(r, user, session, clock.millis() + 1000L * (1 + random.nextInt(8))).ifPresent(changes::add);
            } else if (op < 66) {
                what = "leave";
                s.leave(r, user, session, LeaveReason.LEFT).ifPresent(changes::add);
            } else if (op < 80) {
                what = "advance";
                clock.advance(Duration.ofMillis(random.nextInt(5000)));
            } else if (op < 94) {
                what = "expire";
                changes.addAll(s.expire(clock.millis(), max));
            } else if (op < 98) {
                what = "leaveUser";
                changes.addAll(s.leaveUser(r, user, LeaveReason.KICKED));
            } else {
                what = "clearRoom";
                changes.addAll(s.clearRoom(r, LeaveReason.CLOSED));
            }
            String context = "seed " + seed + ", step " + step + " (" + what + " " + user + "/" + session + ")";

            Replay replay = engine.replay(r, fold.seq, null);
            assertTrue(replay.recovered(), context);
            assertEquals(changes.stream().flatMap(c -> c.events().stream()).toList(), replay.events(),
                    context + ": the returned changes are what was published");
            replay.events().forEach(e -> fold.apply(e, context));
            PresenceSnapshot snapshot = s.snapshot(r);
            fold.assertMatches(snapshot, context);
            for (String u : users) {
                assertEquals(fold.users.containsKey(u) ? List.of(r) : List.of(), s.roomsOf(u), context + ": rooms of " + u);
            }
            assertEquals(snapshot.sessions().size(), s.sessionCount(), context);
            assertEquals(fold.users.size(), s.usersPresent(r), context + ": users present");
            assertEquals(!fold.users.isEmpty(), fold.occupied, context + ": occupied exactly while someone is present");
            if (what.equals("expire") && changes.size() < max) {
                long now = clock.millis();
                assertTrue(snapshot.sessions().stream().allMatch(x -> x.deadline() >= now),
                        context + ": a sweep that ended fewer than it could left nothing due");
            }
        }
        assertTrue(fold.seq > steps / 4, "the walk published a fair share of events: " + fold.seq);
    }

    // ---- cost, measured on demand

    /** Not a test: {@code mvn -o -q test -Dtest='*PresenceStoreTest#presenceCost' -Droomkeeper.bench=true}. */
    @Test
    @EnabledIfSystemProperty(named = "roomkeeper.bench", matches = "true")
    void presenceCost() {
        int rooms = 300;
        int perRoom = 50;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            names.add(room());
        }
        long start = System.nanoTime();
        for (String r : names) {
            for (int s = 0; s < perRoom; s++) {
                store.join(r, "user-" + s, "tab", "{\"displayName\":\"User " + s + "\"}", in(60));
            }
        }
        report("join (publishes)", rooms * perRoom, System.nanoTime() - start);

        int beats = 30_000;
        Random random = new Random(1);
        start = System.nanoTime();
        for (int i = 0; i < beats; i++) {
            store.heartbeat(names.get(random.nextInt(rooms)), "user-" + random.nextInt(perRoom), "tab", in(90));
        }
        report("heartbeat", beats, System.nanoTime() - start);

        int sweeps = 2_000;
        start = System.nanoTime();
        for (int i = 0; i < sweeps; i++) {
            assertTrue(store.expire(clock.millis(), 500).isEmpty());
        }
        report("expire with nothing due (" + store.sessionCount() + " sessions)", sweeps, System.nanoTime() - start);

        clock.advance(Duration.ofMinutes(5));
        start = System.nanoTime();
        int ended = 0;
        List<PresenceChange> batch;
        while (!(batch = store.expire(clock.millis(), 1000)).isEmpty()) {
            ended += batch.size();
        }
        report("expire, per ended session (publishes)", ended, System.nanoTime() - start);
        assertEquals(rooms * perRoom, ended);
    }

    private static void report(String what, int operations, long nanos) {
        LOG.info(String.format("%s: %d in %.0f ms, %.1f µs each, %.0f/s", what, operations, nanos / 1e6,
                nanos / 1e3 / operations, operations / (nanos / 1e9)));
    }

    // ---- helpers

    /** The room's presence rebuilt from its presence events alone, as a client would. */
    static final class Fold {
        final Map<String, Map<String, JsonObject>> users = new TreeMap<>();
        final Map<String, Long> lastDisconnected = new HashMap<>();
        final Map<String, String> lastJoinOrLeave = new HashMap<>();
        /** what the room.occupied / room.vacated events say */
        boolean occupied;
        long seq;

        void apply(RoomEvent event) {
            apply(event, "seq " + event.seq());
        }

        void apply(RoomEvent event, String context) {
            assertEquals(seq + 1, event.seq(), context + ": no gap in the stream");
            seq = event.seq();
            if (event.type().equals("room.occupied")) {
                assertFalse(occupied, context + ": occupied twice in a row");
                assertEquals(1, users.size(), context + ": occupied right after the first user's join");
                assertEquals(Set.of("at"), json(event.data()).keySet(), context);
                occupied = true;
                return;
            }
            if (event.type().equals("room.vacated")) {
                assertTrue(occupied, context + ": vacated without being occupied");
                assertTrue(users.isEmpty(), context + ": vacated while " + users.keySet() + " are present");
                assertEquals(Set.of("at", "reason"), json(event.data()).keySet(), context);
                occupied = false;
                return;
            }
            if (!event.type().startsWith("presence.")) {
                return;
            }
            JsonObject data = json(event.data());
            String user = data.getString("userId");
            String session = data.getString("sessionId");
            Map<String, JsonObject> sessions = users.get(user);
            switch (event.type()) {
                case "presence.join" -> {
                    assertEquals("leave", lastJoinOrLeave.getOrDefault(user, "leave"), context + ": two joins of " + user);
                    lastJoinOrLeave.put(user, "join");
                    assertTrue(sessions == null, context + ": join of a present user");
                    assertEquals("online", data.getString("state"), context);
                    users.put(user, new TreeMap<>(Map.of(session, data)));
                    lastDisconnected.remove(user);
                }
                case "presence.leave" -> {
                    assertEquals("join", lastJoinOrLeave.get(user), context + ": leave without a join of " + user);
                    lastJoinOrLeave.put(user, "leave");
                    assertTrue(sessions != null && sessions.keySet().equals(Set.of(session)),
                            context + ": leave of " + user + "/" + session + " while it has " + sessions);
                    users.remove(user);
                    lastDisconnected.put(user, data.getJsonNumber("lastDisconnected").longValueExact());
                }
                case "presence.update" -> {
                    assertTrue(sessions != null, context + ": update of an absent user");
                    String change = data.getString("change");
                    switch (change) {
                        case "session-added" -> {
                            assertFalse(sessions.containsKey(session), context + ": added twice");
                            sessions.put(session, data);
                        }
                        case "session-removed" -> {
                            assertTrue(sessions.containsKey(session) && sessions.size() > 1,
                                    context + ": removed " + session + " of " + sessions.keySet());
                            sessions.remove(session);
                        }
                        case "meta", "reconnecting", "resumed" -> {
                            assertTrue(sessions.containsKey(session), context + ": " + change + " of an unknown session");
                            sessions.put(session, data);
                        }
                        default -> fail(context + ": unknown change " + change);
                    }
                }
                default -> fail(context + ": unknown presence event " + event.type());
            }
        }

        void assertMatches(PresenceSnapshot snapshot) {
            assertMatches(snapshot, "");
        }

        void assertMatches(PresenceSnapshot snapshot, String context) {
            assertEquals(seq, snapshot.seq(), context + ": snapshot seq");
            assertEquals(!users.isEmpty(), occupied, context + ": occupied exactly while someone is present");
            Map<String, Map<String, List<Object>>> expected = new TreeMap<>();
            users.forEach((user, sessions) -> sessions.forEach((id, data) -> expected
                    .computeIfAbsent(user, u -> new TreeMap<>())
                    .put(id, List.of(data.getString("state"), data.getJsonNumber("joinedAt").longValueExact(),
                            data.getJsonObject("meta")))));
            Map<String, Map<String, List<Object>>> actual = new TreeMap<>();
            for (PresenceSession s : snapshot.sessions()) {
                Object previous = actual.computeIfAbsent(s.userId(), u -> new TreeMap<>())
                        .put(s.sessionId(), List.of(s.state().wireName(), s.joinedAt(), json(s.meta())));
                assertEquals(null, previous, context + ": session twice in the snapshot");
            }
            assertEquals(expected, actual, context + ": sessions");
            assertEquals(lastDisconnected, snapshot.lastDisconnected(), context + ": lastDisconnected");
        }
    }

    protected static void assertJoinsAndLeavesAlternate(List<RoomEvent> events) {
        Map<String, String> last = new HashMap<>();
        for (RoomEvent e : events) {
            if (e.type().equals("presence.join") || e.type().equals("presence.leave")) {
                String user = json(e.data()).getString("userId");
                String kind = e.type().substring("presence.".length());
                String previous = last.put(user, kind);
                assertFalse(kind.equals(previous == null ? "leave" : previous),
                        "two " + kind + "s in a row for " + user + " at seq " + e.seq());
            }
        }
    }

    protected List<RoomEvent> events(String room) {
        Replay replay = engine.replay(room, 0, null);
        assertTrue(replay.recovered());
        return replay.events();
    }

    protected List<String> types(String room) {
        return events(room).stream().map(RoomEvent::type).toList();
    }

    protected long in(int seconds) {
        return clock.millis() + seconds * 1000L;
    }

    protected static String room() {
        return "room-" + UUID.randomUUID();
    }

    protected static ChangeKind kind(Optional<PresenceChange> change) {
        return change.orElseThrow(() -> new AssertionError("no change")).kind();
    }

    protected static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
