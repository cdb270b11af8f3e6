package dev.roomkeeper.watch.boundary;

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
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Watch time, credits and viewer counts against the running WAR, on a node of its own (in-process engine, H2 file
 * database) with short timings: heartbeats every second (a silent tab stops accruing after two), viewers active for
 * three seconds; and no periodic credit flush within the run (ten minutes), so that credits found in the database
 * after the restart can only have been written by the node's stop. Its own node, because one test restarts it and
 * the timings are not the other suites'.
 */
class WatchIT {

    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    static final Duration ACTIVE_WINDOW = Duration.ofSeconds(3);
    static final long PACE_MS = 400;
    static final Duration WAIT = Duration.ofSeconds(20);

    static PayaraNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        Map<String, String> props = new HashMap<>();
        props.put("roomkeeper.auth.hs256-secret", Servers.SECRET);
        props.put("roomkeeper.engine.type", "memory");
        // a fresh database every run
        props.put("roomkeeper.db.url", "jdbc:h2:file:" + PayaraNode.workdir().toAbsolutePath()
                .resolve("h2-watch-" + System.currentTimeMillis() + "/roomkeeper"));
        props.put("roomkeeper.ws.rate-per-second", "200");
        props.put("roomkeeper.ws.rate-burst", "400");
        props.put("roomkeeper.watch.heartbeat-interval", HEARTBEAT.toString());
        props.put("roomkeeper.watch.active-window", ACTIVE_WINDOW.toString());
        // no periodic flush within a run: what the database holds after the restart was written by the stop
        props.put("roomkeeper.watch.flush-interval", "PT10M");
        props.put("roomkeeper.watch.viewers-interval", "PT0.5S");
        node = new PayaraNode("watch", props).start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    static String beat(String room, String id, String sessionId, boolean visible) {
        return "{\"type\":\"watch.heartbeat\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"sessionId\":\""
                + sessionId + "\",\"visible\":" + visible + "}";
    }

    static Api.Reply restBeat(Api api, String room, String sessionId, boolean visible) {
        return api.post("/api/rooms/" + room + "/watch/heartbeat",
                "{\"sessionId\":\"" + sessionId + "\",\"visible\":" + visible + "}");
    }

    /** The tab's pace: a client sends its heartbeats on a timer; this is that timer, not a wait for the server. */
    static void pace() {
        try {
            Thread.sleep(PACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static long credits(Api api, String user, String room) {
        JsonObject body = api.get("/api/users/" + user + "/watch-credits").json();
        return body.getJsonArray("rooms").getValuesAs(JsonObject.class).stream()
                .filter(r -> r.getString("roomId").equals(room)).mapToLong(r -> r.getJsonNumber("seconds").longValue())
                .findFirst().orElse(0);
    }

    /**
     * One user, three tabs: two visible (one on the socket, one over REST), one hidden. The user accrues once, only
     * while a tab is visible, and never more than the wall time.
     */
    @Test
    void twoVisibleTabsAndAHiddenOneAccrueOnceAndOnlyWhileVisible() {
        String room = fx.room().getString("id");
        String user = Fixtures.unique("ada");
        fx.member(room, user, "participant");
        Api rest = fx.as(user);
        String socketTab = Fixtures.session();
        String restTab = Fixtures.session();
        String hiddenTab = Fixtures.session();
        try (WsClient ws = fx.socket(user)) {
            long start = System.currentTimeMillis();
            ws.send(beat(room, "b0", socketTab, true)).reply("b0");
            long visibleFor = 4_000;
            int i = 0;
            while (System.currentTimeMillis() - start < visibleFor) {
                JsonObject ack = ws.send(beat(room, "b" + ++i, socketTab, true)).reply("b" + i);
                assertEquals("ack", ack.getString("type"), ack::toString);
                assertEquals(200, restBeat(rest, room, restTab, true).status());
                assertEquals(200, restBeat(rest, room, hiddenTab, false).status());
                pace();
            }
            // both visible tabs hide: accrual stops here
            JsonObject hidden = ws.send(beat(room, "h1", socketTab, false)).reply("h1");
            JsonObject last = restBeat(rest, room, restTab, false).json();
            long wall = System.currentTimeMillis() - start;
            long seconds = last.getJsonNumber("seconds").longValue();
            assertFalse(last.getBoolean("active"), last::toString);
            assertTrue(seconds * 1000 <= wall, "never more than the wall time: " + seconds + " s in " + wall + " ms");
            assertTrue(seconds >= visibleFor / 1000 - 1, "accrued while visible: " + seconds + " s; " + hidden);
            // hidden tabs keep reporting for more than the grace: nothing more accrues
            long hiddenSince = System.currentTimeMillis();
            while (System.currentTimeMillis() - hiddenSince < 2 * HEARTBEAT.toMillis() + 500) {
                ws.send(beat(room, "h" + ++i, socketTab, false)).reply("h" + i);
                assertEquals(200, restBeat(rest, room, hiddenTab, false).status());
                pace();
            }
            JsonObject after = restBeat(rest, room, restTab, false).json();
            assertEquals(seconds, after.getJsonNumber("seconds").longValue(), after::toString);

            // the host's report and the live state say the same; the credits reach the database
            JsonObject report = fx.admin().get("/api/rooms/" + room + "/watch").json();
            JsonObject mine = report.getJsonArray("users").getValuesAs(JsonObject.class).get(0);
            assertEquals(user, mine.getString("userId"));
            assertEquals(seconds, mine.getJsonNumber("seconds").longValue(), report::toString);
            JsonObject live = rest.get("/api/rooms/" + room + "/watch/live").json();
            assertEquals(seconds, live.getJsonArray("users").getJsonObject(0).getJsonNumber("seconds").longValue(),
                    live::toString);
        }
    }

    @Test
    void heartbeatsAreValidatedAndOnlyMembersSendThem() {
        String room = fx.room().getString("id");
        String user = Fixtures.unique("bea");
        fx.member(room, user, "observer");
        Api rest = fx.as(user);
        Api.Reply invalid = rest.post("/api/rooms/" + room + "/watch/heartbeat", "{\"sessionId\":\"x\",\"visible\":\"yes\"}");
        assertEquals(400, invalid.status(), invalid::toString);
        assertTrue(invalid.isProblem(), invalid::toString);
        assertEquals(403, restBeat(fx.as(Fixtures.unique("stranger")), room, Fixtures.session(), true).status());
        assertEquals(200, restBeat(rest, room, Fixtures.session(), true).status(), "observers are viewers");
        assertEquals(403, rest.get("/api/rooms/" + room + "/watch").status(), "the report is for hosts and admins");
        assertEquals(403, rest.get("/api/users/someone-else/watch-credits").status());
        try (WsClient ws = fx.socket(user)) {
            JsonObject refused = ws.send("{\"type\":\"watch.heartbeat\",\"id\":\"w\",\"room\":\"" + room
                    + "\",\"sessionId\":\"tab-valid-1\"}").reply("w");
            assertEquals("error", refused.getString("type"), refused::toString);
        }
    }

    /** Two viewers; one falls silent and drops out of the counts after the active window, by itself. */
    @Test
    void viewerCountsDropASilentViewerAfterTheActiveWindow() {
        String room = fx.room().getString("id");
        String host = Fixtures.unique("host");
        String ada = Fixtures.unique("ada");
        String bob = Fixtures.unique("bob");
        fx.member(room, host, "host");
        fx.member(room, ada, "participant");
        fx.member(room, bob, "participant");
        try (WsClient watcher = fx.socket(host)) {
            watcher.send(Fixtures.subscribe(room, "s")).reply("s");
            Api adaApi = fx.as(ada);
            Api bobApi = fx.as(bob);
            String adaTab = Fixtures.session();
            String bobTab = Fixtures.session();
            assertEquals(200, restBeat(adaApi, room, adaTab, true).status());
            assertEquals(200, restBeat(bobApi, room, bobTab, true).status());
            JsonObject two = awaitCounts(watcher, adaApi, room, adaTab, c -> c.getInt("total") == 2 && c.getInt("active") == 2);
            long silentSince = System.currentTimeMillis();
            // bob says nothing more; ada goes on
            JsonObject one = awaitCounts(watcher, adaApi, room, adaTab, c -> c.getInt("total") == 1);
            long droppedAfter = System.currentTimeMillis() - silentSince;
            assertEquals(1, one.getInt("active"), one::toString);
            assertTrue(droppedAfter >= ACTIVE_WINDOW.toMillis() - 1_000, "dropped only after the window: " + droppedAfter);
            assertTrue(one.getJsonNumber("at").longValue() > two.getJsonNumber("at").longValue());
            List<JsonObject> counts = watcher.seen().stream().filter(WatchIT::isCounts).map(WatchIT::countsOf).toList();
            for (int k = 1; k < counts.size(); k++) {
                JsonObject a = counts.get(k - 1);
                JsonObject b = counts.get(k);
                assertFalse(a.getInt("total") == b.getInt("total") && a.getInt("active") == b.getInt("active")
                                && a.getJsonNumber("averageWatchSeconds").equals(b.getJsonNumber("averageWatchSeconds")),
                        "published only when a number changed: " + counts);
            }
        }
    }

    /** Waits for a viewers.set the test wants, while ada's tab keeps beating. */
    private static JsonObject awaitCounts(WsClient watcher, Api ada, String room, String adaTab, Predicate<JsonObject> wanted) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var found = watcher.awaitWithin(Duration.ofMillis(PACE_MS), f -> isCounts(f) && wanted.test(countsOf(f)));
            if (found.isPresent()) {
                return countsOf(found.get());
            }
            assertEquals(200, restBeat(ada, room, adaTab, true).status());
        }
        throw new AssertionError("no such viewers.set within " + WAIT + ": " + watcher.seen());
    }

    private static boolean isCounts(JsonObject frame) {
        return "event".equals(frame.getString("type", null))
                && "viewers.set".equals(frame.getJsonObject("event").getString("type"));
    }

    private static JsonObject countsOf(JsonObject frame) {
        return frame.getJsonObject("event").getJsonObject("data").getJsonObject("value");
    }

    /**
     * What was accrued survives a restart of the node: the node writes its credits when it stops (the in-process
     * engine forgets the live state with it, so the database is the only source left).
     */
    @Test
    void creditsSurviveARestartOfTheNode() {
        String room = fx.room().getString("id");
        String user = Fixtures.unique("cy");
        fx.member(room, user, "participant");
        Api rest = fx.as(user);
        String tab = Fixtures.session();
        long start = System.currentTimeMillis();
        while (System.currentTimeMillis() - start < 3_000) {
            assertEquals(200, restBeat(rest, room, tab, true).status());
            pace();
        }
        long seconds = restBeat(rest, room, tab, false).json().getJsonNumber("seconds").longValue();
        assertTrue(seconds >= 2, "accrued " + seconds);
        assertEquals(0, credits(rest, user, room), "nothing written yet: the flush interval is ten minutes");

        node.close();
        node.start();

        assertEquals(seconds, credits(fx.as(user), user, room), "the credits after the restart");
        JsonObject report = fx.admin().get("/api/rooms/" + room + "/watch").json();
        assertEquals(seconds, report.getJsonArray("users").getJsonObject(0).getJsonNumber("creditedSeconds").longValue(),
                report::toString);
    }
}
