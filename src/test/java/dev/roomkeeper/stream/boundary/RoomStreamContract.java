package dev.roomkeeper.stream.boundary;

import dev.roomkeeper.testing.Api;
import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.roomkeeper.testing.Fixtures.publish;
import static dev.roomkeeper.testing.Fixtures.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The room event stream over WebSocket, as a browser sees it; runs on each server configuration. */
abstract class RoomStreamContract {

    abstract PayaraNode node();

    Fixtures fx;
    String room;
    String slug;

    @BeforeEach
    void room() {
        fx = new Fixtures(node());
        JsonObject created = fx.room();
        room = created.getString("id");
        slug = created.getString("slug");
        fx.member(room, "ada", "host");
        fx.member(room, "bob", "participant");
        fx.member(room, "otto", "observer");
    }

    @Test
    void aMembersPublishReachesEverySubscriberOnceInOrder() {
        try (WsClient ada = fx.socket("ada"); WsClient bob = fx.socket("bob")) {
            JsonObject adaAck = ada.send(subscribe(slug, "s1")).reply("s1");
            assertEquals("ack", adaAck.getString("type"));
            assertEquals(room, adaAck.getJsonObject("result").getString("room"));
            assertEquals("host", adaAck.getJsonObject("result").getString("role"));
            bob.send(subscribe(room, "s2")).reply("s2");
            for (int i = 1; i <= 5; i++) {
                JsonObject ack = bob.send(publish(room, "p" + i, "{\"n\":" + i + "}")).reply("p" + i);
                assertEquals("ack", ack.getString("type"), ack::toString);
            }
            long previous = -1;
            for (int i = 1; i <= 5; i++) {
                JsonObject event = ada.event(room);
                assertEquals("message", event.getString("type"));
                assertEquals(i, event.getJsonObject("data").getJsonObject("body").getInt("n"));
                assertEquals("bob", event.getJsonObject("data").getJsonObject("from").getString("userId"));
                if (previous >= 0) {
                    assertEquals(previous + 1, event.getJsonNumber("seq").longValue(), "gap-free");
                }
                previous = event.getJsonNumber("seq").longValue();
            }
        }
    }

    @Test
    void aClientResumingWithSinceGetsExactlyTheMissedEvents() {
        long lastSeen;
        String epoch;
        try (WsClient ada = fx.socket("ada")) {
            JsonObject ack = ada.send(subscribe(room, "s1")).reply("s1");
            epoch = ack.getJsonObject("result").getString("epoch");
            ada.send(publish(room, "p0", "{\"n\":0}")).reply("p0");
            lastSeen = ada.event(room).getJsonNumber("seq").longValue();
        }
        try (WsClient bob = fx.socket("bob")) {
            for (int i = 1; i <= 3; i++) {
                bob.send(publish(room, "p" + i, "{\"n\":" + i + "}")).reply("p" + i);
            }
        }
        try (WsClient ada = fx.socket("ada")) {
            JsonObject ack = ada.send(subscribe(room, "s2", lastSeen, epoch)).reply("s2");
            JsonObject result = ack.getJsonObject("result");
            assertTrue(result.getBoolean("recovered"), ack::toString);
            assertFalse(result.getBoolean("snapshotRequired"));
            assertEquals(3, result.getInt("replayed"));
            List<Integer> replayed = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JsonObject event = ada.event(room);
                assertEquals(lastSeen + 1 + i, event.getJsonNumber("seq").longValue());
                replayed.add(event.getJsonObject("data").getJsonObject("body").getInt("n"));
            }
            assertEquals(List.of(1, 2, 3), replayed);
        }
    }

    @Test
    void aWrongEpochOrNoSinceAsksForASnapshot() {
        try (WsClient ada = fx.socket("ada")) {
            ada.send(publish(room, "p", "{}")).reply("p");
            JsonObject fresh = ada.send(subscribe(room, "s1")).reply("s1").getJsonObject("result");
            assertFalse(fresh.getBoolean("recovered"));
            assertTrue(fresh.getBoolean("snapshotRequired"));
            JsonObject stale = ada.send(subscribe(room, "s2", 0, "not-the-epoch")).reply("s2").getJsonObject("result");
            assertFalse(stale.getBoolean("recovered"));
            assertEquals(0, stale.getInt("replayed"));
        }
    }

    @Test
    void observersWatchButCannotPublish() {
        try (WsClient otto = fx.socket("otto")) {
            assertEquals("ack", otto.send(subscribe(room, "s")).reply("s").getString("type"));
            JsonObject refused = otto.send(publish(room, "p", "{}")).reply("p");
            assertEquals("error", refused.getString("type"));
            assertEquals("forbidden", refused.getString("code"));
        }
    }

    @Test
    void nonMembersCannotSubscribeAndUnknownRoomsAreNotFound() {
        try (WsClient eve = fx.socket("eve")) {
            JsonObject refused = eve.send(subscribe(room, "s")).reply("s");
            assertEquals("error", refused.getString("type"));
            assertEquals("forbidden", refused.getString("code"));
            JsonObject missing = eve.send(subscribe("no-such-room-" + room, "m")).reply("m");
            assertEquals("not-found", missing.getString("code"));
            // the socket keeps serving
            assertEquals("pong", eve.send("{\"type\":\"ping\",\"id\":\"t\"}").reply("t").getString("type"));
        }
    }

    @Test
    void aTokenRoomGrantIsEnoughToSubscribe() {
        String token = dev.roomkeeper.testing.TestTokens.forUser("guest").room(slug, "observer")
                .expiresIn(java.time.Duration.ofMinutes(5)).hs256(dev.roomkeeper.testing.Servers.SECRET);
        try (WsClient guest = WsClient.authenticated(node().ws(), token)) {
            JsonObject ack = guest.send(subscribe(room, "s")).reply("s");
            assertEquals("observer", ack.getJsonObject("result").getString("role"), ack::toString);
        }
    }

    @Test
    void closingTheRoomPutsRoomClosedOnTheStream() {
        try (WsClient ada = fx.socket("ada")) {
            ada.send(subscribe(room, "s")).reply("s");
            Api.Reply closed = fx.admin().post("/api/rooms/" + room + "/close", "{\"reason\":\"done\"}");
            assertEquals(200, closed.status(), closed::toString);
            JsonObject event = ada.event(room);
            assertEquals("room.closed", event.getString("type"));
            assertEquals("done", event.getJsonObject("data").getString("reason"));
            JsonObject refused = ada.send(subscribe(room, "again")).reply("again");
            assertEquals("room-closed", refused.getString("code"));
        }
    }

    @Test
    void memberChangesAreRoomEvents() {
        try (WsClient ada = fx.socket("ada")) {
            ada.send(subscribe(room, "s")).reply("s");
            fx.member(room, "carol", "presenter");
            JsonObject added = ada.event(room);
            assertEquals("member.added", added.getString("type"));
            assertEquals("carol", added.getJsonObject("data").getString("userId"));
            assertEquals("presenter", added.getJsonObject("data").getString("role"));
        }
    }

    @Test
    void aRemovedMemberStopsFollowingTheRoom() {
        try (WsClient bob = fx.socket("bob"); WsClient ada = fx.socket("ada")) {
            bob.send(subscribe(room, "s")).reply("s");
            assertEquals(204, fx.admin().delete("/api/rooms/" + room + "/members/bob").status());
            assertEquals("member.removed", bob.event(room).getString("type"));
            JsonObject ended = bob.await(f -> "unsubscribed".equals(f.getString("type")));
            assertEquals("removed", ended.getString("reason"));
            ada.send(publish(room, "p", "{}")).reply("p");
            bob.send("{\"type\":\"ping\",\"id\":\"t\"}").reply("t");
            assertTrue(bob.drainNow().stream().noneMatch(f -> "event".equals(f.getString("type"))), "no events after removal");
            assertEquals("forbidden", bob.send(subscribe(room, "again")).reply("again").getString("code"));
        }
    }

    @Test
    void pingReportsTheServerClockAndEchoesTheClientTime() {
        try (WsClient ada = fx.socket("ada")) {
            long before = System.currentTimeMillis();
            JsonObject pong = ada.send("{\"type\":\"ping\",\"id\":\"t\",\"clientTime\":12345}").reply("t");
            long after = System.currentTimeMillis();
            assertEquals(12345, pong.getJsonNumber("clientTime").longValue());
            long server = pong.getJsonNumber("time").longValue();
            assertTrue(server >= before - 1000 && server <= after + 1000, "server clock near ours: " + pong);
        }
    }

    @Test
    void unsubscribedRoomsStopDelivering() {
        try (WsClient ada = fx.socket("ada"); WsClient bob = fx.socket("bob")) {
            ada.send(subscribe(room, "s")).reply("s");
            assertEquals("ack", ada.send("{\"type\":\"unsubscribe\",\"id\":\"u\",\"room\":\"" + slug + "\"}").reply("u").getString("type"));
            bob.send(publish(room, "p", "{}")).reply("p");
            // a later ping's reply proves the server processed everything before it
            ada.send("{\"type\":\"ping\",\"id\":\"t\"}").reply("t");
            assertTrue(ada.seen().stream().noneMatch(f -> "event".equals(f.getString("type"))), () -> "events after unsubscribe: " + ada.seen());
            assertEquals("not-subscribed", ada.send("{\"type\":\"unsubscribe\",\"id\":\"u2\",\"room\":\"" + room + "\"}").reply("u2").getString("code"));
        }
    }
}
