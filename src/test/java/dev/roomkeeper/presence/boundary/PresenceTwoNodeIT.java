package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static dev.roomkeeper.testing.Fixtures.presenceJoin;
import static dev.roomkeeper.testing.Fixtures.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence shared through Redis: users on different nodes see each other; a dead node's sessions end;
 * a membership change made on one node applies on the other as soon as its event arrives there.
 */
class PresenceTwoNodeIT {

    /** The heartbeat interval of the sessions on the node that is killed (ms). */
    private static final long INTERVAL = 2_000;

    @Test
    void usersOnDifferentNodesSeeEachOther() {
        Fixtures onA = new Fixtures(Servers.nodeA());
        Fixtures onB = new Fixtures(Servers.nodeB());
        String room = onA.room().getString("id");
        onA.member(room, "ada", "participant");
        onA.member(room, "bob", "participant");
        try (WsClient ada = onA.socket("ada"); WsClient bob = onB.socket("bob")) {
            ada.send(presenceJoin(room, "j", session(), 10_000, null)).reply("j");
            JsonObject ack = bob.send(presenceJoin(room, "j", session(), 10_000, null)).reply("j");
            Set<String> users = ack.getJsonObject("result").getJsonObject("snapshot").getJsonArray("users")
                    .getValuesAs(JsonValue::asJsonObject).stream().map(u -> u.getString("userId")).collect(Collectors.toSet());
            assertEquals(Set.of("ada", "bob"), users);
            JsonObject bobJoined = ada.await(f -> "event".equals(f.getString("type"))
                    && "presence.join".equals(f.getJsonObject("event").getString("type"))
                    && "bob".equals(f.getJsonObject("event").getJsonObject("data").getString("userId")));
            assertTrue(bobJoined.getJsonObject("event").getJsonNumber("seq").longValue() > 0);
        }
    }

    @Test
    void sessionsOfAKilledNodeAreEndedByTheOthersWithOneLeavePerUserAndTheRoomVacatedOnce() {
        PayaraNode doomed = Servers.extraNode("node-doomed");
        try {
            Fixtures onA = new Fixtures(Servers.nodeA());
            Fixtures onDoomed = new Fixtures(doomed);
            String room = onA.room().getString("id");
            onA.member(room, "ada", "participant");
            onA.member(room, "bob", "participant");
            onA.member(room, "cy", "participant");
            try (WsClient watcher = onA.socket("bob")) {
                watcher.send(Fixtures.subscribe(room, "w")).reply("w");
                // ada with two tabs, cy with one, all on the node that dies
                WsClient ada1 = onDoomed.socket("ada");
                WsClient ada2 = onDoomed.socket("ada");
                WsClient cy = onDoomed.socket("cy");
                List<WsClient> tabs = List.of(ada1, ada2, cy);
                List<String> sessions = new ArrayList<>();
                for (WsClient tab : tabs) {
                    String s = session();
                    sessions.add(s);
                    tab.send(presenceJoin(room, "j", s, INTERVAL, null)).reply("j");
                }
                for (String user : List.of("ada", "cy")) {
                    watcher.await(presence("presence.join", user));
                }
                // every session alive when the node dies: each heartbeat acknowledged just before
                for (int i = 0; i < tabs.size(); i++) {
                    JsonObject ack = tabs.get(i).send(Fixtures.presence("heartbeat", room, "h", sessions.get(i))).reply("h");
                    assertEquals("ack", ack.getString("type"), ack::toString);
                }
                long killedAt = System.currentTimeMillis();
                ProcessHandle.of(doomed.pid()).ifPresent(ProcessHandle::destroyForcibly);
                for (String user : List.of("ada", "cy")) {
                    JsonObject gone = watcher.await(presence("presence.leave", user)).getJsonObject("event");
                    assertEquals("expired", gone.getJsonObject("data").getString("reason"));
                    long after = gone.getJsonNumber("time").longValue() - killedAt;
                    assertTrue(after <= 2 * INTERVAL + 5_000, user + " left " + after + " ms after the kill");
                }
                // both surviving nodes sweep every second: a second leave would come within a few sweeps
                Optional<JsonObject> second = watcher.awaitWithin(Duration.ofMillis(3 * Servers.PRESENCE_SWEEP.toMillis() + 1_000),
                        presence("presence.leave", null));
                assertEquals(Optional.empty(), second, "one leave per user");
                // in all: ada joined, lost one tab, left; cy joined and left
                List<String> seen = new ArrayList<>();
                for (JsonObject f : watcher.seen()) {
                    if (presence(null, null).test(f)) {
                        JsonObject data = f.getJsonObject("event").getJsonObject("data");
                        seen.add(data.getString("userId") + " " + f.getJsonObject("event").getString("type")
                                + (data.containsKey("change") ? " " + data.getString("change") : ""));
                    }
                }
                Map<String, List<String>> byUser = seen.stream().collect(Collectors.groupingBy(e -> e.split(" ")[0]));
                assertEquals(List.of("ada presence.join", "ada presence.update session-added",
                        "ada presence.update session-removed", "ada presence.leave"), byUser.get("ada"), seen::toString);
                assertEquals(List.of("cy presence.join", "cy presence.leave"), byUser.get("cy"), seen::toString);
                // the last user present gone, the survivors' sweep vacated the room right after, once
                List<JsonObject> roomEvents = new ArrayList<>();
                long lastLeave = 0;
                for (JsonObject f : watcher.seen()) {
                    if ("event".equals(f.getString("type"))) {
                        JsonObject event = f.getJsonObject("event");
                        if (event.getString("type").startsWith("room.")) {
                            roomEvents.add(event);
                        } else if ("presence.leave".equals(event.getString("type"))) {
                            lastLeave = Math.max(lastLeave, event.getJsonNumber("seq").longValue());
                        }
                    }
                }
                assertEquals(List.of("room.occupied", "room.vacated"), roomEvents.stream().map(e -> e.getString("type")).toList(),
                        roomEvents::toString);
                assertEquals(lastLeave + 1, roomEvents.get(1).getJsonNumber("seq").longValue(), "vacated right after the last leave");
                assertEquals("expired", roomEvents.get(1).getJsonObject("data").getString("reason"));
            }
        } finally {
            doomed.close();
        }
    }

    @Test
    void aMemberAddedOrRemovedOnOneNodeIsJudgedSoOnTheOtherAtOnce() {
        Fixtures onA = new Fixtures(Servers.nodeA());
        Fixtures onB = new Fixtures(Servers.nodeB());
        String room = onA.room().getString("id");
        onA.member(room, "bob", "host");
        try (WsClient watcherOnB = onB.socket("bob"); WsClient eveOnB = onB.socket("eve")) {
            watcherOnB.send(Fixtures.subscribe(room, "w")).reply("w");
            // node B looks eve up, and remembers that she is no member
            assertEquals("forbidden", eveOnB.send(presenceJoin(room, "j1", session(), 10_000, null)).reply("j1").getString("code", null));
            onA.member(room, "eve", "participant");
            watcherOnB.await(event("member.added", "eve"));
            JsonObject admitted = eveOnB.send(presenceJoin(room, "j2", session(), 10_000, null)).reply("j2");
            assertEquals("ack", admitted.getString("type"), admitted::toString);
            // node B now remembers her as a participant; she is kicked on node A
            assertEquals(204, onA.admin().delete("/api/rooms/" + room + "/members/eve").status());
            eveOnB.await(event("member.removed", "eve"));
            JsonObject refused = eveOnB.send(presenceJoin(room, "j3", session(), 10_000, null)).reply("j3");
            assertEquals("forbidden", refused.getString("code", null), refused::toString);
            JsonObject subscribe = eveOnB.send(Fixtures.subscribe(room, "s")).reply("s");
            assertEquals("forbidden", subscribe.getString("code", null), subscribe::toString);
        }
    }

    @Test
    void aRoleChangedOnOneNodeAppliesOnTheOtherAtOnce() {
        Fixtures onA = new Fixtures(Servers.nodeA());
        Fixtures onB = new Fixtures(Servers.nodeB());
        String room = onA.room().getString("id");
        onA.member(room, "ada", "participant");
        try (WsClient adaOnB = onB.socket("ada")) {
            String s = session();
            JsonObject joined = adaOnB.send(presenceJoin(room, "j", s, 10_000, "{\"isSpeaking\":true}")).reply("j");
            assertEquals("ack", joined.getString("type"), joined::toString);
            assertEquals(200, onA.admin().patch("/api/rooms/" + room + "/members/ada", "{\"role\":\"observer\"}").status());
            adaOnB.await(event("member.role-changed", "ada"));
            JsonObject refused = adaOnB.send("{\"type\":\"presence.update\",\"id\":\"u\",\"room\":\"" + room + "\",\"sessionId\":\""
                    + s + "\",\"meta\":{\"isSpeaking\":true}}").reply("u");
            assertEquals("forbidden", refused.getString("code", null), refused::toString);
        }
    }

    @Test
    void aRoomClosedOnOneNodeIsClosedOnTheOtherAtOnce() {
        Fixtures onA = new Fixtures(Servers.nodeA());
        Fixtures onB = new Fixtures(Servers.nodeB());
        JsonObject created = onA.room();
        String room = created.getString("id");
        onA.member(room, "ada", "participant");
        try (WsClient adaOnB = onB.socket("ada")) {
            adaOnB.send(presenceJoin(room, "j", session(), 10_000, null)).reply("j");
            // node B has looked the room up by id and by slug
            adaOnB.send(Fixtures.subscribe(created.getString("slug"), "s")).reply("s");
            assertEquals(200, onA.admin().post("/api/rooms/" + room + "/close", "{\"reason\":\"done\"}").status());
            adaOnB.await(event("room.closed", null));
            for (String ref : List.of(room, created.getString("slug"))) {
                JsonObject refused = adaOnB.send(presenceJoin(ref, "j-" + ref, session(), 10_000, null)).reply("j-" + ref);
                assertEquals("room-closed", refused.getString("code", null), refused::toString);
            }
        }
    }

    /** A presence event of {@code type} (any when null) for {@code user} (anyone when null). */
    private static Predicate<JsonObject> presence(String type, String user) {
        return f -> "event".equals(f.getString("type"))
                && f.getJsonObject("event").getString("type").startsWith("presence.")
                && (type == null || type.equals(f.getJsonObject("event").getString("type")))
                && (user == null || user.equals(f.getJsonObject("event").getJsonObject("data").getString("userId")));
    }

    /** A room event of {@code type} about {@code user} (any when null). */
    private static Predicate<JsonObject> event(String type, String user) {
        return f -> "event".equals(f.getString("type")) && type.equals(f.getJsonObject("event").getString("type"))
                && (user == null || user.equals(f.getJsonObject("event").getJsonObject("data").getString("userId", null)));
    }
}
