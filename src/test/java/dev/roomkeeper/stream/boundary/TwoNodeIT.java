package dev.roomkeeper.stream.boundary;

import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static dev.roomkeeper.testing.Fixtures.publish;
import static dev.roomkeeper.testing.Fixtures.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two Payara nodes sharing one PostgreSQL and one Redis behave as one server. */
class TwoNodeIT {

    @Test
    void eventsProducedOnNodeBReachSubscribersOnNodeAInOrderExactlyOnce() {
        PayaraNode a = Servers.nodeA();
        PayaraNode b = Servers.nodeB();
        Fixtures onA = new Fixtures(a);
        Fixtures onB = new Fixtures(b);
        String room = onA.room().getString("id");
        onA.member(room, "ada", "host");
        onA.member(room, "bob", "participant");
        int n = 50;
        try (WsClient ada = onA.socket("ada"); WsClient bob = onB.socket("bob")) {
            long start = ada.send(subscribe(room, "s")).reply("s").getJsonObject("result").getJsonNumber("seq").longValue();
            for (int i = 1; i <= n; i++) {
                bob.send(publish(room, "p" + i, "{\"n\":" + i + "}"));
            }
            List<Long> seqs = new ArrayList<>();
            List<Integer> bodies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                JsonObject event = ada.event(room);
                seqs.add(event.getJsonNumber("seq").longValue());
                bodies.add(event.getJsonObject("data").getJsonObject("body").getInt("n"));
            }
            assertEquals(LongStream.rangeClosed(start + 1, start + n).boxed().toList(), seqs);
            assertEquals(java.util.stream.IntStream.rangeClosed(1, n).boxed().toList(), bodies);
            // nothing more: a ping round trip after bob's last ack leaves no duplicate behind
            bob.reply("p" + n);
            ada.send("{\"type\":\"ping\",\"id\":\"t\"}").reply("t");
            assertTrue(ada.drainNow().stream().noneMatch(f -> "event".equals(f.getString("type"))), "no duplicates");
        }
    }

    @Test
    void aClientResumingOnTheOtherNodeGetsTheGapReplayed() {
        PayaraNode a = Servers.nodeA();
        PayaraNode b = Servers.nodeB();
        Fixtures onA = new Fixtures(a);
        Fixtures onB = new Fixtures(b);
        String room = onA.room().getString("id");
        onA.member(room, "ada", "host");
        long lastSeen;
        String epoch;
        try (WsClient ada = onA.socket("ada")) {
            JsonObject ack = ada.send(subscribe(room, "s")).reply("s").getJsonObject("result");
            epoch = ack.getString("epoch");
            ada.send(publish(room, "p0", "{\"n\":0}")).reply("p0");
            lastSeen = ada.event(room).getJsonNumber("seq").longValue();
            for (int i = 1; i <= 4; i++) {
                ada.send(publish(room, "p" + i, "{\"n\":" + i + "}")).reply("p" + i);
            }
        }
        try (WsClient ada = onB.socket("ada")) {
            JsonObject result = ada.send(subscribe(room, "s2", lastSeen, epoch)).reply("s2").getJsonObject("result");
            assertTrue(result.getBoolean("recovered"), result::toString);
            assertEquals(epoch, result.getString("epoch"));
            for (int i = 1; i <= 4; i++) {
                JsonObject event = ada.event(room);
                assertEquals(lastSeen + i, event.getJsonNumber("seq").longValue());
                assertEquals(i, event.getJsonObject("data").getJsonObject("body").getInt("n"));
            }
        }
    }

    @Test
    void aRoomCreatedOnOneNodeIsVisibleOnTheOther() {
        Fixtures onA = new Fixtures(Servers.nodeA());
        Fixtures onB = new Fixtures(Servers.nodeB());
        String room = onA.room().getString("id");
        assertEquals(200, onB.admin().get("/api/rooms/" + room).status());
    }
}
