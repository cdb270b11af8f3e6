package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.roomkeeper.testing.Fixtures.presenceJoin;
import static dev.roomkeeper.testing.Fixtures.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Presence shared through Redis: users on different nodes see each other; a dead node's sessions end. */
class PresenceTwoNodeIT {

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
    void sessionsOfAKilledNodeAreEndedByTheOthersAndTheRoomIsVacatedOnce() {
        PayaraNode doomed = Servers.extraNode("node-doomed");
        try {
            Fixtures onA = new Fixtures(Servers.nodeA());
            Fixtures onDoomed = new Fixtures(doomed);
            String room = onA.room().getString("id");
            onA.member(room, "ada", "participant");
            onA.member(room, "bob", "participant");
            try (WsClient watcher = onA.socket("bob")) {
                watcher.send(Fixtures.subscribe(room, "w")).reply("w");
                WsClient ada = onDoomed.socket("ada");
                ada.send(presenceJoin(room, "j", session(), 1_000, null)).reply("j");
                watcher.await(f -> "event".equals(f.getString("type"))
                        && "presence.join".equals(f.getJsonObject("event").getString("type")));
                watcher.await(f -> "event".equals(f.getString("type"))
                        && "room.occupied".equals(f.getJsonObject("event").getString("type")));
                long killedAt = System.currentTimeMillis();
                ProcessHandle.of(doomed.pid()).ifPresent(ProcessHandle::destroyForcibly);
                JsonObject gone = watcher.await(f -> "event".equals(f.getString("type"))
                        && "presence.leave".equals(f.getJsonObject("event").getString("type"))).getJsonObject("event");
                assertEquals("ada", gone.getJsonObject("data").getString("userId"));
                assertEquals("expired", gone.getJsonObject("data").getString("reason"));
                long after = gone.getJsonNumber("time").longValue() - killedAt;
                assertTrue(after <= 2 * 1_000 + 5_000, "ended " + after + " ms after the kill");
                // the last user present is gone: the survivors' sweep vacates the room, right after, once
                JsonObject vacated = watcher.await(f -> "event".equals(f.getString("type"))
                        && "room.vacated".equals(f.getJsonObject("event").getString("type"))).getJsonObject("event");
                assertEquals(gone.getJsonNumber("seq").longValue() + 1, vacated.getJsonNumber("seq").longValue());
                assertEquals("expired", vacated.getJsonObject("data").getString("reason"));
                watcher.send(Fixtures.publish(room, "marker", "{}")).reply("marker");
                watcher.await(f -> "event".equals(f.getString("type"))
                        && "message".equals(f.getJsonObject("event").getString("type")));
                assertEquals(List.of(), watcher.drainNow().stream().filter(f -> "event".equals(f.getString("type")))
                        .map(f -> f.getJsonObject("event").getString("type"))
                        .filter(t -> t.startsWith("room.") || t.startsWith("presence.")).toList(), "nothing more");
            }
        } finally {
            doomed.close();
        }
    }
}
