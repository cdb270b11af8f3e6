package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static dev.roomkeeper.testing.Fixtures.presence;
import static dev.roomkeeper.testing.Fixtures.presenceJoin;
import static dev.roomkeeper.testing.Fixtures.session;
import static dev.roomkeeper.testing.Fixtures.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence as browsers see it, over real sockets; runs on each server configuration. A watcher socket
 * (bob) follows the room's stream and sees exactly which presence events a change produced.
 */
abstract class PresenceContract {

    abstract PayaraNode node();

    Fixtures fx;
    String room;
    WsClient watcher;

    @BeforeEach
    void room() {
        fx = new Fixtures(node());
        room = fx.room().getString("id");
        fx.member(room, "ada", "participant");
        fx.member(room, "bob", "host");
        fx.member(room, "otto", "observer");
        watcher = fx.socket("bob");
        watcher.send(subscribe(room, "w")).reply("w");
    }

    @org.junit.jupiter.api.AfterEach
    void closeWatcher() {
        watcher.close();
    }

    /** The next presence event in the room for {@code user}, as seen by the watcher. */
    JsonObject next(String user) {
        return watcher.await(presenceOf(user)).getJsonObject("event");
    }

    /** The first presence event for {@code user} within {@code window}: empty proves none came for that long. */
    Optional<JsonObject> nextWithin(String user, Duration window) {
        return watcher.awaitWithin(window, presenceOf(user)).map(f -> f.getJsonObject("event"));
    }

    /** A live session's metadata, as the room's presence lists it now. */
    JsonObject sessionMeta(String sessionId) {
        JsonObject presence = fx.as("bob").get("/api/rooms/" + room + "/presence").json();
        return presence.getJsonArray("users").getValuesAs(JsonValue::asJsonObject).stream()
                .flatMap(u -> u.getJsonArray("sessions").getValuesAs(JsonValue::asJsonObject).stream())
                .filter(session -> sessionId.equals(session.getString("sessionId")))
                .findFirst().orElseThrow(() -> new AssertionError("no session " + sessionId + " in " + presence))
                .getJsonObject("meta");
    }

    private static Predicate<JsonObject> presenceOf(String user) {
        return f -> "event".equals(f.getString("type")) && f.getJsonObject("event").getString("type").startsWith("presence.")
                && user.equals(f.getJsonObject("event").getJsonObject("data").getString("userId"));
    }

    /** Proves no further presence event for {@code user} is pending: a later marker event arrives first. */
    void nothingMoreFor(String user) {
        watcher.send(Fixtures.publish(room, "marker", "{\"marker\":true}")).reply("marker");
        JsonObject marker = watcher.await(f -> "event".equals(f.getString("type"))
                && "message".equals(f.getJsonObject("event").getString("type")));
        assertTrue(marker.getJsonObject("event").getJsonObject("data").getJsonObject("body").getBoolean("marker"));
        List<JsonObject> pending = watcher.drainNow().stream()
                .filter(f -> "event".equals(f.getString("type")))
                .map(f -> f.getJsonObject("event"))
                .filter(e -> e.getString("type").startsWith("presence.") && user.equals(e.getJsonObject("data").getString("userId")))
                .toList();
        assertEquals(List.of(), pending, "unexpected presence events for " + user);
    }

    @Test
    void aSecondTabIsASessionUpdateNotASecondJoin() {
        try (WsClient tab1 = fx.socket("ada"); WsClient tab2 = fx.socket("ada")) {
            String s1 = session();
            String s2 = session();
            JsonObject ack = tab1.send(presenceJoin(room, "j1", s1, 10_000, "{\"displayName\":\"Ada L.\"}")).reply("j1");
            assertEquals("ack", ack.getString("type"), ack::toString);
            JsonObject join = next("ada");
            assertEquals("presence.join", join.getString("type"));
            assertEquals("Ada L.", join.getJsonObject("data").getJsonObject("meta").getString("displayName"));
            assertEquals("participant", join.getJsonObject("data").getJsonObject("meta").getString("role"), "role comes from membership");
            tab2.send(presenceJoin(room, "j2", s2, 10_000, null)).reply("j2");
            JsonObject added = next("ada");
            assertEquals("presence.update", added.getString("type"));
            assertEquals("session-added", added.getJsonObject("data").getString("change"));
            JsonObject snapshot = tab2.seen().stream().filter(f -> "j2".equals(f.getString("id", null))).findFirst().orElseThrow()
                    .getJsonObject("result").getJsonObject("snapshot");
            JsonObject adaEntry = snapshot.getJsonArray("users").getValuesAs(JsonValue::asJsonObject).stream()
                    .filter(u -> "ada".equals(u.getString("userId"))).findFirst().orElseThrow();
            assertEquals(2, adaEntry.getJsonArray("sessions").size(), "one user, two sessions");
            nothingMoreFor("ada");
        }
    }

    @Test
    void aMetadataChangeIsOneUpdateNeverALeaveAndJoin() {
        try (WsClient ada = fx.socket("ada")) {
            String s = session();
            ada.send(presenceJoin(room, "j", s, 10_000, null)).reply("j");
            assertEquals("presence.join", next("ada").getString("type"));
            ada.send("{\"type\":\"presence.update\",\"id\":\"u\",\"room\":\"" + room + "\",\"sessionId\":\"" + s
                    + "\",\"meta\":{\"isSpeaking\":true,\"custom\":{\"hand\":\"raised\"}}}");
            assertEquals("ack", ada.reply("u").getString("type"));
            JsonObject update = next("ada");
            assertEquals("presence.update", update.getString("type"));
            assertEquals("meta", update.getJsonObject("data").getString("change"));
            assertTrue(update.getJsonObject("data").getJsonObject("meta").getBoolean("isSpeaking"));
            // the same metadata again changes nothing
            ada.send("{\"type\":\"presence.update\",\"id\":\"u2\",\"room\":\"" + room + "\",\"sessionId\":\"" + s
                    + "\",\"meta\":{\"isSpeaking\":true,\"custom\":{\"hand\":\"raised\"}}}").reply("u2");
            nothingMoreFor("ada");
        }
    }

    @Test
    void aCleanCloseLeavesOnceAndOnlyWithTheLastTab() {
        WsClient tab1 = fx.socket("ada");
        WsClient tab2 = fx.socket("ada");
        tab1.send(presenceJoin(room, "j1", session(), 10_000, null)).reply("j1");
        tab2.send(presenceJoin(room, "j2", session(), 10_000, null)).reply("j2");
        assertEquals("presence.join", next("ada").getString("type"));
        assertEquals("session-added", next("ada").getJsonObject("data").getString("change"));
        tab1.close();
        JsonObject removed = next("ada");
        assertEquals("session-removed", removed.getJsonObject("data").getString("change"));
        tab2.close();
        JsonObject leave = next("ada");
        assertEquals("presence.leave", leave.getString("type"));
        assertEquals("left", leave.getJsonObject("data").getString("reason"));
        nothingMoreFor("ada");
    }

    @Test
    void aSilentSessionLeavesOnceWithinTwoIntervalsAndFiveSeconds() {
        try (WsClient ada = fx.socket("ada")) {
            String s = session();
            ada.send(presenceJoin(room, "j", s, 1_000, null)).reply("j");
            JsonObject join = next("ada");
            long joinedAt = join.getJsonNumber("time").longValue();
            // no heartbeats from here on; the socket stays open
            JsonObject leave = next("ada");
            assertEquals("presence.leave", leave.getString("type"));
            assertEquals("expired", leave.getJsonObject("data").getString("reason"));
            long after = leave.getJsonNumber("time").longValue() - joinedAt;
            assertTrue(after <= 2 * 1_000 + 5_000, "left after " + after + " ms");
            // the expired session's own heartbeat does not bring it back
            JsonObject expired = ada.send(presence("heartbeat", room, "h", s)).reply("h");
            assertEquals("presence-expired", expired.getString("code", null), expired::toString);
            nothingMoreFor("ada");
        }
    }

    @Test
    void heartbeatsKeepASessionAlive() throws InterruptedException {
        try (WsClient ada = fx.socket("ada")) {
            String s = session();
            ada.send(presenceJoin(room, "j", s, 1_000, null)).reply("j");
            next("ada");
            // the client's heartbeat timer: one every half interval, for four intervals
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger sent = new AtomicInteger();
            try {
                timer.scheduleAtFixedRate(() -> {
                    int i = sent.get();
                    if (i < 8) {
                        ada.send(presence("heartbeat", room, "h" + i, s));
                        sent.incrementAndGet();
                    }
                }, 500, 500, TimeUnit.MILLISECONDS);
                for (int i = 0; i < 8; i++) {
                    JsonObject ack = ada.reply("h" + i);
                    assertEquals("ack", ack.getString("type"), ack::toString);
                }
            } finally {
                timer.shutdownNow();
            }
            nothingMoreFor("ada");
        }
    }

    @Test
    void aHeartbeatFromASocketThatDidNotJoinTheSessionIsRefusedAndChangesNothing() {
        try (WsClient first = fx.socket("ada"); WsClient second = fx.socket("ada")) {
            String s = session();
            first.send(presenceJoin(room, "j", s, 30_000, null)).reply("j");
            assertEquals("presence.join", next("ada").getString("type"));
            JsonObject refused = second.send(presence("heartbeat", room, "h", s)).reply("h");
            assertEquals("presence-not-joined", refused.getString("code", null), refused::toString);
            // the session stays with the socket that joined it: closing the other one ends nothing
            second.close();
            assertEquals(Optional.empty(), nextWithin("ada", Duration.ofSeconds(2)), "closing a socket that never joined");
            JsonObject kept = first.send(presence("heartbeat", room, "h1", s)).reply("h1");
            assertEquals(30_000, kept.getJsonObject("result").getInt("interval"), kept::toString);
            nothingMoreFor("ada");
        }
    }

    @Test
    void aHeartbeatAfterLeavingAnswersThatTheSessionEndedOnEverySocket() {
        try (WsClient tab = fx.socket("ada"); WsClient other = fx.socket("ada")) {
            String s = session();
            tab.send(presenceJoin(room, "j", s, 10_000, null)).reply("j");
            assertEquals("presence.join", next("ada").getString("type"));
            assertEquals("ack", tab.send(presence("leave", room, "l", s)).reply("l").getString("type"));
            assertEquals("presence.leave", next("ada").getString("type"));

            JsonObject mine = tab.send(presence("heartbeat", room, "h", s)).reply("h");
            assertEquals("presence-expired", mine.getString("code", null), mine::toString);
            JsonObject theirs = other.send(presence("heartbeat", room, "h2", s)).reply("h2");
            assertEquals("presence-expired", theirs.getString("code", null), theirs::toString);
            nothingMoreFor("ada");
        }
    }

    @Test
    void aDroppedSocketThatResumesWithinGraceNeverLeaves() {
        String s = session();
        WsClient first = fx.socket("ada");
        JsonObject ack = first.send(presenceJoin(room, "j", s, 10_000, null)).reply("j");
        String resumeToken = ack.getJsonObject("result").getString("resumeToken");
        assertEquals("presence.join", next("ada").getString("type"));
        first.abort();
        JsonObject reconnecting = next("ada");
        assertEquals("reconnecting", reconnecting.getJsonObject("data").getString("change"));
        assertEquals("reconnecting", reconnecting.getJsonObject("data").getString("state"));
        try (WsClient again = fx.socket("ada")) {
            again.send("{\"type\":\"presence.join\",\"id\":\"r\",\"room\":\"" + room + "\",\"sessionId\":\"" + s
                    + "\",\"interval\":10000,\"resumeToken\":\"" + resumeToken + "\"}");
            assertEquals("ack", again.reply("r").getString("type"));
            JsonObject resumed = next("ada");
            assertEquals("resumed", resumed.getJsonObject("data").getString("change"));
            // past the grace the drop started, and two sweeps after it: a resume that left the grace
            // deadline in place would show its leave by now
            long graceOver = reconnecting.getJsonNumber("time").longValue() + Servers.RECONNECT_GRACE.toMillis()
                    + 2 * Servers.PRESENCE_SWEEP.toMillis();
            Duration window = Duration.ofMillis(Math.max(0, graceOver - System.currentTimeMillis()) + 1_000);
            assertEquals(Optional.empty(), nextWithin("ada", window), "a resumed session never leaves on its own");
            nothingMoreFor("ada");
        }
    }

    @Test
    void aDroppedSocketThatNeverReturnsLeavesOnceAfterTheGrace() {
        WsClient first = fx.socket("ada");
        first.send(presenceJoin(room, "j", session(), 10_000, null)).reply("j");
        next("ada");
        first.abort();
        assertEquals("reconnecting", next("ada").getJsonObject("data").getString("change"));
        JsonObject leave = next("ada");
        assertEquals("presence.leave", leave.getString("type"));
        assertEquals("expired", leave.getJsonObject("data").getString("reason"));
        nothingMoreFor("ada");
    }

    @Test
    void observersCannotSpeakOrRecordAndStrangersCannotJoin() {
        try (WsClient otto = fx.socket("otto"); WsClient eve = fx.socket("eve")) {
            JsonObject refused = otto.send(presenceJoin(room, "j", session(), 10_000, "{\"isRecording\":true}")).reply("j");
            assertEquals("forbidden", refused.getString("code"), refused::toString);
            JsonObject speaking = otto.send(presenceJoin(room, "j1", session(), 10_000, "{\"isSpeaking\":true}")).reply("j1");
            assertEquals("forbidden", speaking.getString("code", null), speaking::toString);
            JsonObject watching = otto.send(presenceJoin(room, "j2", session(), 10_000, "{\"displayName\":\"Otto\"}")).reply("j2");
            assertEquals("ack", watching.getString("type"));
            assertEquals("observer", next("otto").getJsonObject("data").getJsonObject("meta").getString("role"));
            JsonObject stranger = eve.send(presenceJoin(room, "j", session(), 10_000, null)).reply("j");
            assertEquals("forbidden", stranger.getString("code"));
            JsonObject badMeta = otto.send(presenceJoin(room, "j3", session(), 10_000, "{\"avatarUrl\":\"javascript:alert(1)\"}")).reply("j3");
            assertEquals("validation", badMeta.getString("code"), badMeta::toString);
        }
    }

    @Test
    void observersCannotStartSpeakingOrRecordingLaterOverTheSocketOrHttp() {
        try (WsClient otto = fx.socket("otto")) {
            String s = session();
            otto.send(presenceJoin(room, "j", s, 10_000, "{\"displayName\":\"Otto\"}")).reply("j");
            assertEquals("presence.join", next("otto").getString("type"));
            for (String flag : List.of("isSpeaking", "isRecording")) {
                JsonObject refused = otto.send("{\"type\":\"presence.update\",\"id\":\"u-" + flag + "\",\"room\":\"" + room
                        + "\",\"sessionId\":\"" + s + "\",\"meta\":{\"displayName\":\"Otto\",\"" + flag + "\":true}}").reply("u-" + flag);
                assertEquals("forbidden", refused.getString("code", null), refused::toString);
            }
            Api ottoHttp = fx.as("otto");
            for (String flag : List.of("isSpeaking", "isRecording")) {
                Api.Reply http = ottoHttp.post("/api/presence/heartbeat", "{\"room\":\"" + room + "\",\"sessionId\":\"" + s
                        + "\",\"meta\":{\"displayName\":\"Otto\",\"" + flag + "\":true}}");
                assertEquals(403, http.status(), http::toString);
                assertTrue(http.isProblem(), http::toString);
                assertEquals("urn:roomkeeper:problem:forbidden", http.json().getString("type"));
            }
            // refused means unchanged: no event, and the session still neither speaks nor records
            nothingMoreFor("otto");
            JsonObject meta = sessionMeta(s);
            assertFalse(meta.getBoolean("isSpeaking"), meta::toString);
            assertFalse(meta.getBoolean("isRecording"), meta::toString);
            // an observer's heartbeat that claims nothing is fine
            assertEquals(200, ottoHttp.post("/api/presence/heartbeat", "{\"room\":\"" + room + "\",\"sessionId\":\"" + s
                    + "\",\"meta\":{\"displayName\":\"Otto\"}}").status());
        }
    }

    @Test
    void aRoleSentByTheClientIsIgnoredForTheOneFromMembership() {
        try (WsClient otto = fx.socket("otto"); WsClient ada = fx.socket("ada")) {
            otto.send(presenceJoin(room, "j", session(), 10_000, "{\"role\":\"host\"}")).reply("j");
            assertEquals("observer", next("otto").getJsonObject("data").getJsonObject("meta").getString("role"));
            String s = session();
            ada.send(presenceJoin(room, "j", s, 10_000, "{\"role\":\"observer\"}")).reply("j");
            assertEquals("participant", next("ada").getJsonObject("data").getJsonObject("meta").getString("role"));
            ada.send("{\"type\":\"presence.update\",\"id\":\"u\",\"room\":\"" + room + "\",\"sessionId\":\"" + s
                    + "\",\"meta\":{\"role\":\"host\",\"isSpeaking\":true}}").reply("u");
            JsonObject update = next("ada").getJsonObject("data").getJsonObject("meta");
            assertEquals("participant", update.getString("role"), update::toString);
            assertTrue(update.getBoolean("isSpeaking"));
        }
    }

    @Test
    void anHttpHeartbeatWithoutMetaKeepsTheSessionsMetadata() {
        Api ada = fx.as("ada");
        String s = session();
        String first = "{\"room\":\"" + room + "\",\"sessionId\":\"" + s + "\",\"interval\":10000,"
                + "\"meta\":{\"displayName\":\"Ada H.\",\"custom\":{\"hand\":\"raised\"}}}";
        assertEquals(200, ada.post("/api/presence/heartbeat", first).status());
        assertEquals("presence.join", next("ada").getString("type"));
        Api.Reply again = ada.post("/api/presence/heartbeat", "{\"room\":\"" + room + "\",\"sessionId\":\"" + s + "\",\"interval\":10000}");
        assertEquals(200, again.status(), again::toString);
        nothingMoreFor("ada");
        JsonObject meta = sessionMeta(s);
        assertEquals("Ada H.", meta.getString("displayName"), meta::toString);
        assertEquals("raised", meta.getJsonObject("custom").getString("hand"), meta::toString);
    }

    @Test
    void validationErrorsOverTheSocketNameEachField() {
        try (WsClient ada = fx.socket("ada")) {
            JsonObject error = ada.send(presenceJoin(room, "j", session(), 10_000,
                    "{\"avatarUrl\":\"javascript:alert(1)\",\"isSpeaking\":\"yes\"}")).reply("j");
            assertEquals("validation", error.getString("code", null), error::toString);
            List<String> fields = error.getJsonArray("errors").getValuesAs(JsonValue::asJsonObject).stream()
                    .map(e -> e.getString("field")).sorted().toList();
            assertEquals(List.of("meta.avatarUrl", "meta.isSpeaking"), fields, error::toString);
            assertTrue(error.getJsonArray("errors").getValuesAs(JsonValue::asJsonObject).stream()
                    .allMatch(e -> !e.getString("message").isBlank()), error::toString);
            JsonObject badId = ada.send(presenceJoin(room, "j2", "short", 10_000, null)).reply("j2");
            assertEquals("sessionId", badId.getJsonArray("errors").getJsonObject(0).getString("field"), badId::toString);
            // an invalid session id once hid every other invalid field: all of them are listed, over both transports
            JsonObject all = ada.send(presenceJoin(room, "j3", "short", 0, "{\"avatarUrl\":\"javascript:alert(1)\"}")).reply("j3");
            assertEquals(List.of("interval", "meta.avatarUrl", "sessionId"), fieldsOf(all), all::toString);
            Api.Reply http = fx.as("ada").post("/api/presence/heartbeat", "{\"room\":\"" + room + "\",\"sessionId\":\"short\","
                    + "\"interval\":0,\"meta\":{\"avatarUrl\":\"javascript:alert(1)\",\"isSpeaking\":\"yes\"}}");
            assertEquals(400, http.status(), http::toString);
            assertEquals(List.of("interval", "meta.avatarUrl", "meta.isSpeaking", "sessionId"), fieldsOf(http.json()), http::toString);
        }
    }

    private static List<String> fieldsOf(JsonObject problemOrError) {
        return problemOrError.getJsonArray("errors").getValuesAs(JsonValue::asJsonObject).stream()
                .map(e -> e.getString("field")).sorted().toList();
    }

    /** Over the socket a lone surrogate was refused; over HTTP it entered the room's events and stalled every subscriber. */
    @Test
    void aLoneSurrogateInHttpMetadataIsRefusedAndTheRoomKeepsDelivering() {
        Api ada = fx.as("ada");
        String s = session();
        Api.Reply refused = ada.post("/api/presence/heartbeat", "{\"room\":\"" + room + "\",\"sessionId\":\"" + s
                + "\",\"meta\":{\"displayName\":\"Ada \\ud800\"}}");
        assertEquals(400, refused.status(), refused::toString);
        assertTrue(refused.isProblem(), refused::toString);
        assertTrue(refused.json().getString("detail").contains("surrogate"), refused::toString);
        nothingMoreFor("ada");
        Api.Reply paired = ada.post("/api/presence/heartbeat", "{\"room\":\"" + room + "\",\"sessionId\":\"" + s
                + "\",\"meta\":{\"displayName\":\"Ada \\ud83d\\ude00\"}}");
        assertEquals(200, paired.status(), paired::toString);
        JsonObject join = next("ada");
        assertEquals("Ada \ud83d\ude00", join.getJsonObject("data").getJsonObject("meta").getString("displayName"));
    }

    @Test
    void aSessionTokenEndsOnlyTheSessionItWasIssuedFor() {
        Api ada = fx.as("ada");
        Api anonymous = new Api(node().base(), null);
        String s = session();
        String beat = "{\"room\":\"" + room + "\",\"sessionId\":\"" + s + "\",\"interval\":10000}";
        String earlier = ada.post("/api/presence/heartbeat", beat).json().getString("sessionToken");
        assertEquals("presence.join", next("ada").getString("type"));
        assertEquals(204, anonymous.send("POST", "/api/presence/disconnect", earlier, "text/plain").status());
        assertEquals("presence.leave", next("ada").getString("type"));
        // the next page of the same tab joins again with the same session id: a new session, a new token
        String later = ada.post("/api/presence/heartbeat", beat).json().getString("sessionToken");
        assertEquals("presence.join", next("ada").getString("type"));
        assertFalse(later.equals(earlier), "a new session gets a new token");
        assertEquals(later, ada.post("/api/presence/heartbeat", beat).json().getString("sessionToken"), "repeated heartbeats keep it");
        // a late beacon of the earlier page is a no-op
        assertEquals(204, anonymous.send("POST", "/api/presence/disconnect", earlier, "text/plain").status());
        nothingMoreFor("ada");
        assertEquals(204, anonymous.send("POST", "/api/presence/disconnect", later, "text/plain").status());
        assertEquals("presence.leave", next("ada").getString("type"));
    }

    @Test
    void aKickedMemberLeavesAtOnce() {
        try (WsClient ada = fx.socket("ada")) {
            String s = session();
            ada.send(presenceJoin(room, "j", s, 10_000, null)).reply("j");
            next("ada");
            assertEquals(204, fx.admin().delete("/api/rooms/" + room + "/members/ada").status());
            JsonObject leave = next("ada");
            assertEquals("presence.leave", leave.getString("type"));
            assertEquals("kicked", leave.getJsonObject("data").getString("reason"));
            JsonObject gone = ada.send(presence("heartbeat", room, "h", s)).reply("h");
            assertEquals("presence-expired", gone.getString("code"));
        }
    }

    @Test
    void aRoomTokenStopsWorkingWhenItsHolderIsRemovedOrTheRoomCloses() {
        Api anonymous = new Api(node().base(), null);
        String adaToken = fx.as("ada").post("/api/presence/heartbeat",
                "{\"room\":\"" + room + "\",\"sessionId\":\"" + session() + "\",\"interval\":10000}").json().getString("roomToken");
        String bobToken = fx.as("bob").post("/api/presence/heartbeat",
                "{\"room\":\"" + room + "\",\"sessionId\":\"" + session() + "\",\"interval\":10000}").json().getString("roomToken");
        assertEquals(200, anonymous.get("/api/presence/list?roomToken=" + adaToken).status());

        assertEquals(204, fx.admin().delete("/api/rooms/" + room + "/members/ada").status());
        // every node hears of the removal through the room's stream: awaited, not assumed
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertEquals(401, anonymous.get("/api/presence/list?roomToken=" + adaToken).status(), "ada was removed"));
        assertEquals(200, anonymous.get("/api/presence/list?roomToken=" + bobToken).status(), "bob is still a member");

        assertEquals(200, fx.admin().post("/api/rooms/" + room + "/close", "{\"reason\":\"done\"}").status());
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Api.Reply list = anonymous.get("/api/presence/list?roomToken=" + bobToken);
            assertEquals(401, list.status(), "the room closed");
            assertEquals("application/problem+json", list.raw().headers().firstValue("Content-Type").orElse(""));
        });
    }

    @Test
    void httpClientsHeartbeatListAndDisconnectWithSendBeacon() {
        Api ada = fx.as("ada");
        String s = session();
        Api.Reply beat = ada.post("/api/presence/heartbeat", "{\"room\":\"" + room + "\",\"sessionId\":\"" + s + "\",\"interval\":10000}");
        assertEquals(200, beat.status(), beat::toString);
        String sessionToken = beat.json().getString("sessionToken");
        String roomToken = beat.json().getString("roomToken");
        assertEquals("presence.join", next("ada").getString("type"));
        // a repeated heartbeat changes nothing and returns the same session token
        Api.Reply again = ada.post("/api/presence/heartbeat", "{\"room\":\"" + room + "\",\"sessionId\":\"" + s + "\",\"interval\":10000}");
        assertEquals(sessionToken, again.json().getString("sessionToken"));
        Api anonymous = new Api(node().base(), null);
        JsonObject list = anonymous.get("/api/presence/list?roomToken=" + roomToken).json();
        assertTrue(list.getJsonArray("users").getValuesAs(JsonValue::asJsonObject).stream().anyMatch(u -> "ada".equals(u.getString("userId"))));
        assertEquals(401, anonymous.get("/api/presence/list?roomToken=forged." + roomToken).status());
        // sendBeacon: no Authorization header, the token as a text body
        assertEquals(204, anonymous.send("POST", "/api/presence/disconnect", sessionToken, "text/plain;charset=UTF-8").status());
        JsonObject leave = next("ada");
        assertEquals("presence.leave", leave.getString("type"));
        assertEquals("left", leave.getJsonObject("data").getString("reason"));
        // a repeated or unknown token is a harmless no-op
        assertEquals(204, anonymous.send("POST", "/api/presence/disconnect", sessionToken, "text/plain").status());
        assertEquals(204, anonymous.send("POST", "/api/presence/disconnect", "{\"sessionToken\":\"nonsense\"}", "application/json").status());
        nothingMoreFor("ada");
        // sendBeacon with URLSearchParams posts a form; malformed percent-encoding is a no-op like any unknown token
        String s2 = session();
        String formToken = ada.post("/api/presence/heartbeat", "{\"room\":\"" + room + "\",\"sessionId\":\"" + s2 + "\"}")
                .json().getString("sessionToken");
        assertEquals("presence.join", next("ada").getString("type"));
        for (String malformed : List.of("sessionToken=%ZZ", "sessionToken=a%2", "sessionToken=%", "sessionToken=")) {
            Api.Reply reply = anonymous.send("POST", "/api/presence/disconnect", malformed, "application/x-www-form-urlencoded");
            assertEquals(204, reply.status(), () -> malformed + ": " + reply);
        }
        nothingMoreFor("ada");
        assertEquals(204, anonymous.send("POST", "/api/presence/disconnect",
                "sessionToken=" + URLEncoder.encode(formToken, StandardCharsets.UTF_8), "application/x-www-form-urlencoded").status());
        assertEquals("left", next("ada").getJsonObject("data").getString("reason"));
        nothingMoreFor("ada");
        JsonObject presence = fx.as("bob").get("/api/rooms/" + room + "/presence").json();
        assertTrue(presence.getJsonArray("offline").getValuesAs(JsonValue::asJsonObject).stream()
                .anyMatch(u -> "ada".equals(u.getString("userId")) && u.getJsonNumber("lastDisconnected").longValue() > 0), presence::toString);
    }

    @Test
    void attendanceRecordsEachSessionWithItsLeaveReasonAndPerUserTotals() throws InterruptedException {
        WsClient tab = fx.socket("ada");
        String s = session();
        tab.send(presenceJoin(room, "j", s, 10_000, null)).reply("j");
        next("ada");
        tab.close();
        assertEquals("presence.leave", next("ada").getString("type"));
        Api admin = fx.admin();
        // attendance is written in batches (every second by default): poll with a deadline
        JsonObject record = Awaitility.await("attendance record of the closed session")
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> admin.get("/api/rooms/" + room + "/attendance?userId=ada").json().getJsonArray("items")
                        .getValuesAs(JsonValue::asJsonObject).stream()
                        .filter(r -> s.equals(r.getString("sessionId")) && !r.isNull("leftAt")).findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        assertEquals("left", record.getString("leaveReason"));
        JsonObject totals = admin.get("/api/rooms/" + room + "/attendance/totals").json();
        JsonObject ada = totals.getJsonArray("items").getValuesAs(JsonValue::asJsonObject).stream()
                .filter(t -> "ada".equals(t.getString("userId"))).findFirst().orElseThrow();
        assertEquals(1, ada.getInt("sessions"));
        assertEquals(403, fx.as("ada").get("/api/rooms/" + room + "/attendance").status(), "participants cannot read attendance");
        assertEquals(200, fx.as("bob").get("/api/rooms/" + room + "/attendance").status(), "hosts can");
    }

    @Test
    void aUserSeesTheRoomsTheyArePresentIn() {
        try (WsClient ada = fx.socket("ada")) {
            ada.send(presenceJoin(room, "j", session(), 10_000, null)).reply("j");
            JsonObject mine = fx.as("ada").get("/api/presence/users/ada").json();
            assertTrue(mine.getJsonArray("rooms").getValuesAs(JsonValue::toString).contains("\"" + room + "\""), mine::toString);
            assertEquals(403, fx.as("otto").get("/api/presence/users/ada").status());
        }
    }
}
