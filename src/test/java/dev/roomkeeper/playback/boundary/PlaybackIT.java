package dev.roomkeeper.playback.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Playback sync against the running WAR over real WebSocket clients, on a node of its own (in-process engine, fresh
 * H2 database) with a small command budget (burst 8, one a second) and a short flush interval: host commands reach
 * every viewer as one playback.set each, a member who is no host is view only, an eventId is applied once, the
 * budget refuses with when to retry, a reconnecting viewer recovers the timeline from the room's stream, and the
 * event log reaches the database.
 */
class PlaybackIT {

    static final int BURST = 8;
    static final Duration WAIT = Duration.ofSeconds(20);

    static PayaraNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        Map<String, String> props = new HashMap<>();
        props.put("roomkeeper.auth.hs256-secret", Servers.SECRET);
        props.put("roomkeeper.engine.type", "memory");
        props.put("roomkeeper.db.url", "jdbc:h2:file:" + PayaraNode.workdir().toAbsolutePath()
                .resolve("h2-playback-" + System.currentTimeMillis() + "/roomkeeper"));
        props.put("roomkeeper.ws.rate-per-second", "200");
        props.put("roomkeeper.ws.rate-burst", "400");
        props.put("roomkeeper.playback.command-rate", "1");
        props.put("roomkeeper.playback.command-burst", "" + BURST);
        props.put("roomkeeper.playback.flush-interval", "PT0.5S");
        props.put("roomkeeper.playback.buffer-max-wait", "PT1S");
        props.put("roomkeeper.playback.report-burst", "50");
        node = new PayaraNode("playback", props).start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** A room with a host and two viewers (participants). */
    record Party(String room, String host, String ada, String bob) {
    }

    static Party party() {
        String room = fx.room().getString("id");
        Party party = new Party(room, Fixtures.unique("host"), Fixtures.unique("ada"), Fixtures.unique("bob"));
        fx.member(room, party.host(), "host");
        fx.member(room, party.ada(), "participant");
        fx.member(room, party.bob(), "participant");
        return party;
    }

    static String command(String type, String id, String room, String stream, String eventId, String extra) {
        return "{\"type\":\"playback." + type + "\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"stream\":\""
                + stream + "\",\"eventId\":\"" + eventId + "\"" + (extra == null ? "" : "," + extra) + "}";
    }

    static String create(String room, String id) {
        return "{\"type\":\"playback.create\",\"id\":\"" + id + "\",\"room\":\"" + room
                + "\",\"mediaUrl\":\"https://cdn.example/film.mp4\",\"title\":\"Film\",\"toleranceMs\":500}";
    }

    static JsonObject ack(WsClient ws, String id) {
        JsonObject reply = ws.reply(id);
        assertEquals("ack", reply.getString("type"), reply::toString);
        return reply.getJsonObject("result");
    }

    static WsClient subscribed(String user, String room) {
        WsClient ws = fx.socket(user);
        ack(ws, subscribe(ws, room));
        return ws;
    }

    private static String subscribe(WsClient ws, String room) {
        ws.send(Fixtures.subscribe(room, "sub"));
        return "sub";
    }

    /** The next playback.set of the room this socket gets: its timeline, with the event's seq as "seq". */
    static JsonObject timelineEvent(WsClient ws, String room) {
        JsonObject frame = ws.await(f -> "event".equals(f.getString("type", null))
                && "playback.set".equals(f.getJsonObject("event").getString("type")));
        JsonObject event = frame.getJsonObject("event");
        assertEquals(room, event.getString("room"));
        return jakarta.json.Json.createObjectBuilder(event.getJsonObject("data").getJsonObject("value"))
                .add("seq", event.getJsonNumber("seq").longValue()).build();
    }

    @Test
    void hostCommandsReachEveryViewerAndAMemberWhoIsNoHostIsViewOnly() {
        Party p = party();
        try (WsClient host = subscribed(p.host(), p.room()); WsClient ada = subscribed(p.ada(), p.room());
             WsClient bob = subscribed(p.bob(), p.room())) {
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            for (WsClient viewer : List.of(ada, bob)) {
                JsonObject created = timelineEvent(viewer, p.room());
                assertEquals(stream, created.getString("stream"));
                assertFalse(created.getBoolean("playing"));
            }
            JsonObject played = ack(host.send(command("play", "p1", p.room(), stream, "host-play-1", "\"positionMs\":1000")), "p1");
            for (WsClient viewer : List.of(ada, bob)) {
                JsonObject timeline = timelineEvent(viewer, p.room());
                assertTrue(timeline.getBoolean("playing"), timeline::toString);
                assertEquals(1000, timeline.getJsonNumber("positionMs").longValue());
                assertEquals(p.host(), timeline.getString("by"));
                assertEquals(played.getJsonNumber("seq").longValue(), timeline.getJsonNumber("seq").longValue());
            }
            JsonObject refused = ada.send(command("seek", "s1", p.room(), stream, "ada-seek-1", "\"positionMs\":5")).reply("s1");
            assertEquals("error", refused.getString("type"), refused::toString);
            assertEquals("not-host", refused.getString("code"));
            assertTrue(refused.getBoolean("viewOnly"));
            Api.Reply rest = fx.as(p.bob()).post("/api/rooms/" + p.room() + "/playback/streams/" + stream + "/pause",
                    "{\"eventId\":\"bob-pause-1\"}");
            assertEquals(403, rest.status(), rest::toString);
            assertTrue(rest.isProblem());
            Api.Reply invalid = fx.as(p.host()).post("/api/rooms/" + p.room() + "/playback/streams/" + stream + "/rate",
                    "{\"eventId\":\"host-rate-1\",\"rate\":9}");
            assertEquals(400, invalid.status(), invalid::toString);
            Api.Reply snapshot = fx.as(p.bob()).get("/api/rooms/" + p.room() + "/playback");
            assertEquals(200, snapshot.status(), snapshot::toString);
            JsonObject only = snapshot.json().getJsonArray("streams").getJsonObject(0).getJsonObject("timeline");
            assertTrue(only.getBoolean("playing"), "refused commands changed nothing: " + only);
        }
    }

    @Test
    void theSameEventIdIsAppliedOnceOverFramesAndRest() {
        Party p = party();
        try (WsClient host = subscribed(p.host(), p.room()); WsClient ada = subscribed(p.ada(), p.room())) {
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            timelineEvent(ada, p.room());
            JsonObject first = ack(host.send(command("seek", "a", p.room(), stream, "seek-42", "\"positionMs\":42000")), "a");
            JsonObject again = ack(host.send(command("seek", "b", p.room(), stream, "seek-42", "\"positionMs\":42000")), "b");
            assertTrue(again.getBoolean("duplicate", false), again::toString);
            assertEquals(first.getJsonNumber("seq").longValue(), again.getJsonNumber("seq").longValue());
            assertEquals(first.getJsonObject("timeline"), again.getJsonObject("timeline"), "the first result");
            Api.Reply overRest = fx.as(p.host()).post("/api/rooms/" + p.room() + "/playback/streams/" + stream + "/seek",
                    "{\"eventId\":\"seek-42\",\"positionMs\":42000}");
            assertEquals(200, overRest.status(), overRest::toString);
            assertTrue(overRest.json().getBoolean("duplicate"));
            // a later command marks the end: the viewer saw exactly one event for seek-42 before it
            ack(host.send(command("pause", "m", p.room(), stream, "mark-1", null)), "m");
            JsonObject seek = timelineEvent(ada, p.room());
            assertEquals("seek-42", seek.getString("eventId"));
            JsonObject next = timelineEvent(ada, p.room());
            assertEquals("mark-1", next.getString("eventId"), "no second event for seek-42: " + next);
        }
    }

    @Test
    void aHostBeyondItsBudgetIsRefusedWithWhenToRetry() {
        Party p = party();
        try (WsClient host = subscribed(p.host(), p.room())) {
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            JsonObject refused = null;
            for (int i = 0; i < BURST + 2 && refused == null; i++) {
                JsonObject reply = host.send(command("seek", "r" + i, p.room(), stream, "burst-" + i,
                        "\"positionMs\":" + i)).reply("r" + i);
                if ("error".equals(reply.getString("type"))) {
                    refused = reply;
                }
            }
            assertTrue(refused != null, "the budget of " + BURST + " at once ran out");
            assertEquals("rate-limited", refused.getString("code"), refused::toString);
            assertTrue(refused.getJsonNumber("retryAfterMs").longValue() > 0);
        }
    }

    @Test
    void aReconnectingViewerRecoversTheTimelineFromTheRoomStream() {
        Party p = party();
        try (WsClient host = subscribed(p.host(), p.room())) {
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            long seen;
            String epoch;
            try (WsClient ada = fx.socket(p.ada())) {
                JsonObject sub = ack(ada.send(Fixtures.subscribe(p.room(), "s")), "s");
                epoch = sub.getString("epoch");
                seen = sub.getJsonNumber("seq").longValue(); // the create is older: the snapshot shows it
            }
            ack(host.send(command("seek", "k", p.room(), stream, "while-away", "\"positionMs\":90000")), "k");
            ack(host.send(command("rate", "q", p.room(), stream, "rate-while-away", "\"rate\":1.5")), "q");
            try (WsClient ada = fx.socket(p.ada())) {
                JsonObject sub = ack(ada.send(Fixtures.subscribe(p.room(), "s2", seen, epoch)), "s2");
                assertTrue(sub.getBoolean("recovered"), sub::toString);
                assertEquals("while-away", timelineEvent(ada, p.room()).getString("eventId"));
                JsonObject now = timelineEvent(ada, p.room());
                assertEquals(1.5, now.getJsonNumber("rate").doubleValue());
                assertEquals(90000, now.getJsonNumber("positionMs").longValue());
                JsonObject snapshot = ack(ada.send("{\"type\":\"playback.snapshot\",\"id\":\"n\",\"room\":\"" + p.room() + "\"}"), "n");
                assertEquals(now.getJsonNumber("seq").longValue(), snapshot.getJsonArray("streams").getJsonObject(0)
                        .getJsonNumber("version").longValue());
            }
        }
    }

    @Test
    void aViewerComputingThePositionWithItsClockOffsetLandsWithinTheTolerance() {
        Party p = party();
        try (WsClient host = subscribed(p.host(), p.room()); WsClient ada = subscribed(p.ada(), p.room())) {
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            ack(host.send(command("play", "p", p.room(), stream, "play-at-10s", "\"positionMs\":10000")), "p");
            ack(host.send(command("rate", "r", p.room(), stream, "rate-2", "\"rate\":2")), "r");
            timelineEvent(ada, p.room());
            timelineEvent(ada, p.room());
            JsonObject timeline = timelineEvent(ada, p.room());
            // the clock: the smallest-RTT sample of a few pings
            long bestRtt = Long.MAX_VALUE;
            double offset = 0;
            for (int i = 0; i < 5; i++) {
                long t0 = System.currentTimeMillis();
                JsonObject pong = ada.send("{\"type\":\"ping\",\"id\":\"t" + i + "\",\"clientTime\":" + t0 + "}").reply("t" + i);
                long t1 = System.currentTimeMillis();
                if (t1 - t0 < bestRtt) {
                    bestRtt = t1 - t0;
                    offset = pong.getJsonNumber("time").longValue() - (t0 + t1) / 2.0;
                }
            }
            double viewerNow = System.currentTimeMillis() + offset;
            double viewerPosition = timeline.getJsonNumber("positionMs").longValue()
                    + timeline.getJsonNumber("rate").doubleValue() * (viewerNow - timeline.getJsonNumber("at").longValue());
            JsonObject server = fx.as(p.ada()).get("/api/rooms/" + p.room() + "/playback/streams/" + stream).json();
            JsonObject truth = server.getJsonObject("timeline");
            double serverPosition = truth.getJsonNumber("positionMs").longValue()
                    + truth.getJsonNumber("rate").doubleValue() * (server.getJsonNumber("serverTime").longValue()
                    - truth.getJsonNumber("at").longValue());
            double readAt = System.currentTimeMillis() + offset;
            // the viewer's estimate, moved to the moment the server answered at its rate, against the server's own
            double drift = Math.abs(serverPosition - (viewerPosition + 2 * (server.getJsonNumber("serverTime").longValue() - viewerNow)));
            assertTrue(drift <= truth.getInt("toleranceMs"), "drift " + drift + " ms (rtt " + bestRtt + " ms, read at " + readAt + ")");
        }
    }

    @Test
    void acceptedCommandsReachTheEventLogForHostsAndAdmins() {
        Party p = party();
        try (WsClient host = subscribed(p.host(), p.room())) {
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            ack(host.send(command("play", "p", p.room(), stream, "log-play", null)), "p");
            ack(host.send(command("pause", "q", p.room(), stream, "log-pause", null)), "q");
            String path = "/api/rooms/" + p.room() + "/playback/streams/" + stream + "/events";
            JsonObject page = org.awaitility.Awaitility.await("the flush writes the log").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200)).until(() -> fx.as(p.host()).get(path).json(),
                            body -> body.getInt("total") >= 2);
            assertEquals(2, page.getInt("total"), page::toString);
            assertEquals("play", page.getJsonArray("items").getJsonObject(0).getString("type"));
            JsonObject pauses = fx.admin().get(path + "?type=pause").json();
            assertEquals(1, pauses.getInt("total"), pauses::toString);
            assertEquals("log-pause", pauses.getJsonArray("items").getJsonObject(0).getString("eventId"));
            assertEquals(403, fx.as(p.ada()).get(path).status());
            assertEquals(400, fx.as(p.host()).get(path + "?type=dance").status());
        }
    }

    static String buffer(String room, String stream, String id, String state) {
        return "{\"type\":\"playback.buffer\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"stream\":\"" + stream
                + "\",\"state\":\"" + state + "\"}";
    }

    @Test
    void bufferingWithWaitForEveryonePausesOnceAndResumesOnceLeavingAStuckViewerBehind() {
        Party p = party();
        try (WsClient host = subscribed(p.host(), p.room()); WsClient ada = subscribed(p.ada(), p.room());
             WsClient bob = subscribed(p.bob(), p.room())) {
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            ack(host.send(command("play", "p", p.room(), stream, "buf-play", null)), "p");
            timelineEvent(host, p.room());
            timelineEvent(host, p.room());
            assertEquals("paused", ack(ada.send(buffer(p.room(), stream, "b1", "start")), "b1").getString("result"));
            assertEquals("waiting", ack(bob.send(buffer(p.room(), stream, "b2", "start")), "b2").getString("result"));
            assertEquals("reported", ack(bob.send(buffer(p.room(), stream, "b3", "end")), "b3").getString("result"));
            JsonObject paused = timelineEvent(host, p.room());
            assertEquals("buffering", paused.getString("cause"));
            assertFalse(paused.getBoolean("playing"));
            // ada never recovers: the group resumes at the maximum wait, once, and ada is told she is left behind
            JsonObject resumed = timelineEvent(host, p.room());
            assertEquals("ready", resumed.getString("cause"), resumed::toString);
            assertTrue(resumed.getBoolean("playing"));
            JsonObject told = host.await(f -> "event".equals(f.getString("type", null))
                    && "playback.left-behind".equals(f.getJsonObject("event").getString("type"))).getJsonObject("event");
            assertEquals(List.of(p.ada()), told.getJsonObject("data").getJsonArray("users").getValuesAs(jakarta.json.JsonString.class)
                    .stream().map(jakarta.json.JsonString::getString).toList());
            assertEquals("left-behind", ack(ada.send(buffer(p.room(), stream, "b4", "start")), "b4").getString("result"));
            // a later host command marks the end: no pause between
            ack(host.send(command("seek", "m", p.room(), stream, "buf-mark", "\"positionMs\":1")), "m");
            assertEquals("buf-mark", timelineEvent(host, p.room()).getString("eventId"), "no second pause");
        }
    }

    @Test
    void whenTheLastHostLeavesControlPassesToTheLongestPresentMember() {
        Party p = party();
        try (WsClient host = subscribed(p.host(), p.room()); WsClient ada = subscribed(p.ada(), p.room());
             WsClient bob = subscribed(p.bob(), p.room())) {
            String hostTab = Fixtures.session();
            ack(host.send(Fixtures.presenceJoin(p.room(), "j0", hostTab, 10_000, null)), "j0");
            ack(ada.send(Fixtures.presenceJoin(p.room(), "j1", Fixtures.session(), 10_000, null)), "j1");
            ack(bob.send(Fixtures.presenceJoin(p.room(), "j2", Fixtures.session(), 10_000, null)), "j2");
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            ack(host.send(command("play", "p", p.room(), stream, "hand-play", null)), "p");
            timelineEvent(bob, p.room());
            timelineEvent(bob, p.room());
            ack(host.send(Fixtures.presence("leave", p.room(), "l0", hostTab)), "l0");
            JsonObject handed = timelineEvent(bob, p.room());
            assertEquals("handoff", handed.getString("cause"), handed::toString);
            assertEquals(p.ada(), handed.getString("controller"), "ada joined before bob");
            assertTrue(handed.getBoolean("playing"), "the party goes on");
            JsonObject byAda = ack(ada.send(command("pause", "a1", p.room(), stream, "ada-pause", null)), "a1");
            assertFalse(byAda.getJsonObject("timeline").getBoolean("playing"));
            JsonObject refused = bob.send(command("play", "b1", p.room(), stream, "bob-play", null)).reply("b1");
            assertEquals("not-host", refused.getString("code", ""), refused::toString);
        }
    }

    @Test
    void anAdminRunsTheCleanupAndSeesItsRunRecorded() {
        Api.Reply run = fx.admin().post("/api/playback-cleanups", null);
        assertEquals(201, run.status(), run::toString);
        assertEquals("admin", run.json().getString("trigger"));
        assertTrue(run.json().containsKey("eventsDeleted") && run.json().containsKey("streamsReset"), run::toString);
        JsonObject runs = fx.admin().get("/api/playback-cleanups").json();
        assertTrue(runs.getInt("total") >= 1, runs::toString);
        assertEquals(403, fx.as(Fixtures.unique("someone")).get("/api/playback-cleanups").status());
    }

    @Test
    void aHostHandsControlOverAndViewersAreCorrectedOnlyBeyondTheTolerance() {
        Party p = party();
        try (WsClient host = subscribed(p.host(), p.room()); WsClient ada = subscribed(p.ada(), p.room())) {
            String stream = ack(host.send(create(p.room(), "c1")), "c1").getString("stream");
            ack(host.send(command("pause", "p", p.room(), stream, "hold-at-60s", "\"positionMs\":60000")), "p");
            JsonObject close = ack(ada.send("{\"type\":\"playback.position\",\"id\":\"d1\",\"room\":\"" + p.room()
                    + "\",\"stream\":\"" + stream + "\",\"positionMs\":60200}"), "d1");
            assertFalse(close.getBoolean("correct"), close::toString);
            assertEquals(200, close.getJsonNumber("driftMs").longValue());
            JsonObject far = ack(ada.send("{\"type\":\"playback.position\",\"id\":\"d2\",\"room\":\"" + p.room()
                    + "\",\"stream\":\"" + stream + "\",\"positionMs\":58000}"), "d2");
            assertTrue(far.getBoolean("correct"), far::toString);
            assertEquals(60000, far.getJsonObject("timeline").getJsonNumber("positionMs").longValue());
            JsonObject sync = ack(ada.send("{\"type\":\"playback.sync\",\"id\":\"y\",\"room\":\"" + p.room()
                    + "\",\"stream\":\"" + stream + "\"}"), "y");
            assertEquals("hold-at-60s", sync.getJsonObject("timeline").getString("eventId"));

            Api.Reply handed = fx.as(p.host()).post("/api/rooms/" + p.room() + "/playback/streams/" + stream + "/handoff",
                    "{\"to\":\"" + p.ada() + "\"}");
            assertEquals(200, handed.status(), handed::toString);
            assertEquals(p.ada(), handed.json().getJsonObject("timeline").getString("controller"));
            JsonObject byAda = ack(ada.send(command("play", "a", p.room(), stream, "ada-plays", null)), "a");
            assertTrue(byAda.getJsonObject("timeline").getBoolean("playing"));
            assertEquals(400, fx.as(p.host()).post("/api/rooms/" + p.room() + "/playback/streams/" + stream + "/handoff",
                    "{\"to\":\"" + Fixtures.unique("stranger") + "\"}").status(), "only a member takes control");
        }
    }
}
