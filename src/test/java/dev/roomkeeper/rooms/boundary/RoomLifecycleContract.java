package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.TestTokens;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static dev.roomkeeper.testing.Fixtures.presence;
import static dev.roomkeeper.testing.Fixtures.presenceJoin;
import static dev.roomkeeper.testing.Fixtures.session;
import static dev.roomkeeper.testing.Fixtures.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A room's lifecycle as clients and operators see it, on each server configuration: occupied and vacated on
 * the stream, the activity call, invites of idle rooms, and the idle sweep run through the admin API. The
 * test servers make rooms idle after 10 s ({@code Servers}); tests that need an idle room wait for the server
 * to say so, with a deadline, while keeping their busy rooms busy.
 */
abstract class RoomLifecycleContract {

    /** The inactivity window the test servers run with. */
    static final Duration WINDOW = Duration.ofSeconds(10);
    /** How long a room may take to go idle on a loaded machine: the window, then some. */
    static final Duration IDLE_DEADLINE = WINDOW.plusSeconds(45);

    abstract PayaraNode node();

    /** Another node of the same configuration (the same one when there is only one). */
    abstract PayaraNode otherNode();

    Fixtures fx;
    String room;
    WsClient watcher;

    @BeforeEach
    void room() {
        fx = new Fixtures(node());
        room = fx.room().getString("id");
        fx.member(room, "ada", "participant");
        fx.member(room, "otto", "participant");
        fx.member(room, "bob", "host");
        watcher = fx.socket("bob");
        watcher.send(subscribe(room, "w")).reply("w");
    }

    @AfterEach
    void closeWatcher() {
        watcher.close();
    }

    /** The next event in {@code room} of one of {@code types}, as the watcher sees it. */
    JsonObject next(WsClient socket, String inRoom, String... types) {
        List<String> wanted = List.of(types);
        return socket.await(f -> "event".equals(f.getString("type"))
                && inRoom.equals(f.getJsonObject("event").getString("room"))
                && wanted.contains(f.getJsonObject("event").getString("type"))).getJsonObject("event");
    }

    /** Proves no further {@code room.*} lifecycle event is pending for the watcher: a later marker arrives first. */
    void noMoreOccupancyEvents() {
        watcher.send(Fixtures.publish(room, "marker", "{\"marker\":true}")).reply("marker");
        next(watcher, room, "message");
        List<JsonObject> pending = watcher.drainNow().stream()
                .filter(f -> "event".equals(f.getString("type")))
                .map(f -> f.getJsonObject("event"))
                .filter(e -> e.getString("type").equals("room.occupied") || e.getString("type").equals("room.vacated"))
                .toList();
        assertEquals(List.of(), pending);
    }

    static JsonObject activity(Api api, String roomRef) {
        Api.Reply reply = api.get("/api/rooms/" + roomRef + "/activity");
        assertEquals(200, reply.status(), reply::toString);
        return reply.json();
    }

    /** Waits, with a deadline, until {@code condition} holds; {@code meanwhile} runs between looks (keeping rooms busy). */
    static void await(String what, Duration deadline, BooleanSupplier condition, Runnable meanwhile) {
        Awaitility.await(what).atMost(deadline).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (condition.getAsBoolean()) {
                        return true;
                    }
                    meanwhile.run();
                    return false;
                });
    }

    /** Waits until the server says each room is idle (its activity call answers active: false). */
    void awaitIdle(Runnable meanwhile, String... rooms) {
        Api admin = fx.admin();
        for (String r : rooms) {
            await("room " + r + " idle", IDLE_DEADLINE, () -> !activity(admin, r).getBoolean("active"), meanwhile);
        }
    }

    /** Joins the room's presence on {@code socket}; what it answers sends one heartbeat and awaits its ack. */
    static Runnable present(WsClient socket, String inRoom) {
        String sessionId = session();
        socket.send(presenceJoin(inRoom, "j", sessionId, 10_000, null)).reply("j");
        List<String> beats = new ArrayList<>();
        return () -> {
            String id = "h" + beats.size();
            beats.add(id);
            socket.send(presence("heartbeat", inRoom, id, sessionId)).reply(id);
        };
    }

    static Instant instant(JsonObject json, String field) {
        return Instant.parse(json.getString(field));
    }

    // ---- occupied / vacated

    @Test
    void theFirstUserToArriveOccupiesTheRoomAndTheLastToLeaveVacatesIt() {
        try (WsClient ada = fx.socket("ada"); WsClient otto = new Fixtures(otherNode()).socket("otto")) {
            String adaSession = session();
            ada.send(presenceJoin(room, "j", adaSession, 10_000, null)).reply("j");
            JsonObject join = next(watcher, room, "presence.join");
            JsonObject occupied = next(watcher, room, "room.occupied");
            assertEquals(join.getJsonNumber("seq").longValue() + 1, occupied.getJsonNumber("seq").longValue(),
                    "occupied right after the first join");
            assertEquals(join.getJsonObject("data").getJsonNumber("joinedAt").longValue(),
                    occupied.getJsonObject("data").getJsonNumber("at").longValue());

            String ottoSession = session();
            otto.send(presenceJoin(room, "j", ottoSession, 10_000, null)).reply("j");
            assertEquals("otto", next(watcher, room, "presence.join").getJsonObject("data").getString("userId"));
            ada.send(presence("leave", room, "l", adaSession)).reply("l");
            assertEquals("ada", next(watcher, room, "presence.leave").getJsonObject("data").getString("userId"));
            noMoreOccupancyEvents();

            otto.send(presence("leave", room, "l", ottoSession)).reply("l");
            JsonObject leave = next(watcher, room, "presence.leave");
            JsonObject vacated = next(watcher, room, "room.vacated");
            assertEquals(leave.getJsonNumber("seq").longValue() + 1, vacated.getJsonNumber("seq").longValue(),
                    "vacated right after the last leave");
            assertEquals("left", vacated.getJsonObject("data").getString("reason"));
            noMoreOccupancyEvents();
        }
    }

    @Test
    void aSessionThatStopsHeartbeatingVacatesTheRoomOnceItExpires() {
        try (WsClient ada = fx.socket("ada")) {
            ada.send(presenceJoin(room, "j", session(), 1_000, null)).reply("j");
            next(watcher, room, "room.occupied");
            // no heartbeats from here on; the socket stays open
            JsonObject leave = next(watcher, room, "presence.leave");
            assertEquals("expired", leave.getJsonObject("data").getString("reason"));
            JsonObject vacated = next(watcher, room, "room.vacated");
            assertEquals(leave.getJsonNumber("seq").longValue() + 1, vacated.getJsonNumber("seq").longValue());
            assertEquals("expired", vacated.getJsonObject("data").getString("reason"));
            noMoreOccupancyEvents();
        }
    }

    // ---- the activity call

    @Test
    void theActivityCallAnswersMembersGrantsAndAdminsAndSaysWhenTheRoomGoesIdle() {
        JsonObject quiet = activity(fx.as("ada"), room);
        assertEquals(room, quiet.getString("roomId"));
        assertEquals("open", quiet.getString("state"));
        assertTrue(quiet.getBoolean("active"), quiet::toString);
        assertFalse(quiet.getBoolean("occupied"));
        assertEquals(0, quiet.getInt("usersPresent"));
        assertEquals("PT10S", quiet.getString("window"));
        assertEquals(10, quiet.getJsonNumber("windowSeconds").longValue());
        assertEquals(instant(quiet, "lastActivity").plus(WINDOW), instant(quiet, "inactiveAt"));

        String slug = quiet.getString("slug");
        String granted = TestTokens.forUser("gina").name("Gina").room(slug, "observer").expiresIn(Duration.ofHours(1))
                .hs256(Servers.SECRET);
        assertEquals(room, activity(new Api(node().base(), granted), slug).getString("roomId"), "a grant in the token");
        assertEquals(room, activity(fx.admin(), room).getString("roomId"), "an admin");

        try (WsClient ada = fx.socket("ada")) {
            ada.send(presenceJoin(room, "j", session(), 10_000, null)).reply("j");
            Instant before = Instant.now();
            JsonObject busy = activity(new Fixtures(otherNode()).as("otto"), room);
            assertTrue(busy.getBoolean("occupied"), busy::toString);
            assertEquals(1, busy.getInt("usersPresent"), "seen from any node");
            assertFalse(instant(busy, "lastActivity").isBefore(before.minusSeconds(2)),
                    "while anyone is present the last activity is now: " + busy);
        }

        assertProblem(403, fx.as("eve").get("/api/rooms/" + room + "/activity"));
        assertProblem(404, fx.as("ada").get("/api/rooms/no-such-room/activity"));
        assertProblem(404, fx.admin().get("/api/rooms/no-such-room/activity"));
        assertProblem(401, new Api(node().base(), null).get("/api/rooms/" + room + "/activity"));
    }

    static void assertProblem(int status, Api.Reply reply) {
        assertEquals(status, reply.status(), reply::toString);
        assertTrue(reply.isProblem(), reply::toString);
    }

    // ---- invites of idle rooms

    @Test
    void anIdleRoomsInviteIsRefusedWhileABusyRoomsInviteWorks() {
        String busy = fx.room().getString("id");
        fx.member(busy, "bob", "host");
        fx.member(busy, "ada", "participant");
        Api host = fx.as("bob");
        String idleInvite = host.post("/api/rooms/" + room + "/invites", "{}").json().getString("token");
        String busyInvite = host.post("/api/rooms/" + busy + "/invites", "{}").json().getString("token");
        try (WsClient ada = new Fixtures(otherNode()).socket("ada")) {
            Runnable keepBusy = present(ada, busy);

            JsonObject warned = fx.as("judy").get("/api/invites/" + idleInvite).json();
            assertTrue(warned.getBoolean("valid"), warned::toString);
            assertEquals(instant(warned, "lastActivity").plus(WINDOW), instant(warned, "inactiveAt"),
                    "a page holding only the link can warn before it dies");

            awaitIdle(keepBusy, room);

            JsonObject preview = fx.as("judy").get("/api/invites/" + idleInvite).json();
            assertFalse(preview.getBoolean("valid"));
            assertEquals("room-inactive", preview.getString("reason"));
            Api.Reply refused = fx.as("judy").post("/api/invites/" + idleInvite + "/redeem", null);
            assertEquals(410, refused.status(), refused::toString);
            assertTrue(refused.isProblem());
            assertTrue(refused.json().getString("type").endsWith(":room-inactive"), refused::toString);
            assertEquals("This invitation link has expired: the room has been inactive for over 10 seconds.",
                    refused.json().getString("detail"));

            Api.Reply joined = fx.as("judy").post("/api/invites/" + busyInvite + "/redeem", null);
            assertEquals(200, joined.status(), "someone is present in the busy room: " + joined);
        }
    }

    // ---- the idle sweep

    @Test
    void theSweepClosesIdleRoomsAndLeavesRoomsWithSomeonePresentOrRecentEvents() {
        String occupied = fx.room().getString("id");
        String chatty = fx.room().getString("id");
        for (String r : List.of(occupied, chatty)) {
            fx.member(r, "ada", "participant");
        }
        // someone was in the idle room once: presence remembers when they left, until the room is released
        Api.Reply beat = fx.as("ada").post("/api/presence/heartbeat",
                "{\"room\":\"" + room + "\",\"sessionId\":\"" + session() + "\",\"interval\":10000}");
        assertEquals(200, beat.status(), beat::toString);
        String roomToken = beat.json().getString("roomToken");
        Api anonymous = new Api(node().base(), null);
        assertEquals(204, anonymous.send("POST", "/api/presence/disconnect", beat.json().getString("sessionToken"),
                "text/plain").status());
        assertEquals(1, anonymous.get("/api/presence/list?roomToken=" + roomToken).json().getJsonArray("offline").size());

        try (WsClient ada = new Fixtures(otherNode()).socket("ada")) {
            Runnable keepOccupied = present(ada, occupied);
            awaitIdle(keepOccupied, room, chatty);
            // a recent event, published on the other node: the sweeping node knows it only from the engine
            ada.send(Fixtures.publish(chatty, "p", "{\"text\":\"still here\"}")).reply("p");
            keepOccupied.run();

            Api admin = fx.admin();
            Api.Reply swept = admin.post("/api/idle-sweeps", null);
            assertEquals(201, swept.status(), swept::toString);
            JsonObject run = swept.json();
            assertEquals("admin", run.getString("trigger"));
            assertTrue(run.getInt("closed") >= 1, run::toString);
            assertEquals(0, run.getInt("errors"), run::toString);
            assertTrue(swept.raw().headers().firstValue("Location").orElse("").endsWith("/api/idle-sweeps/" + run.getJsonNumber("id")),
                    swept::toString);
            assertReleased(room);

            JsonObject closed = admin.get("/api/rooms/" + room).json();
            assertEquals("closed", closed.getString("state"));
            assertEquals("idle: no activity for over 10 seconds", closed.getString("closeReason"));
            assertEquals("system:idle-sweep", closed.getString("closedBy"));
            JsonObject announced = next(watcher, room, "room.closed");
            assertEquals("system:idle-sweep", announced.getJsonObject("data").getString("closedBy"));
            assertEquals("idle: no activity for over 10 seconds", announced.getJsonObject("data").getString("reason"));
            assertEquals("closed", watcher.await(f -> "unsubscribed".equals(f.getString("type"))).getString("reason"));
            assertEquals(401, anonymous.get("/api/presence/list?roomToken=" + roomToken).status(),
                    "a room token stops working when its room closes");

            assertEquals("open", admin.get("/api/rooms/" + occupied).json().getString("state"), "someone is present");
            assertEquals("open", admin.get("/api/rooms/" + chatty).json().getString("state"), "a recent event");

            JsonObject recent = admin.get("/api/idle-sweeps?limit=5").json();
            assertEquals(run, recent.getJsonArray("items").getJsonObject(0), "newest first");
            assertEquals(run, admin.get("/api/idle-sweeps/" + run.getJsonNumber("id")).json());
            assertProblem(404, admin.get("/api/idle-sweeps/999999999"));
            assertProblem(404, admin.get("/api/idle-sweeps/not-a-number"));
            assertProblem(400, admin.get("/api/idle-sweeps?limit=0"));
        }
        assertProblem(403, fx.as("bob").post("/api/idle-sweeps", null));
        assertProblem(403, fx.as("bob").get("/api/idle-sweeps"));
        assertProblem(401, new Api(node().base(), null).get("/api/idle-sweeps"));
    }

    /**
     * Checks, where the engine can be looked into from outside (Redis), that nothing of the closed room is left
     * in it: its stream and its presence were released.
     */
    abstract void assertReleased(String roomId);

    @Test
    void closingARoomByHandEndsItsPresenceAndVacatesIt() {
        try (WsClient ada = fx.socket("ada")) {
            ada.send(presenceJoin(room, "j", session(), 10_000, null)).reply("j");
            next(watcher, room, "room.occupied");
            Api.Reply closed = fx.admin().post("/api/rooms/" + room + "/close", "{\"reason\":\"done\"}");
            assertEquals(200, closed.status(), closed::toString);
            assertTrue(closed.json().getString("closedBy").startsWith("admin-"), closed::toString);
            JsonObject announced = next(watcher, room, "room.closed");
            assertEquals("admin", announced.getJsonObject("data").getString("closedBy"), "never which admin");
            JsonObject mine = fx.as("ada").get("/api/presence/users/ada").json();
            assertFalse(mine.getJsonArray("rooms").getValuesAs(JsonValue::toString).contains("\"" + room + "\""), mine::toString);
        }
    }
}
