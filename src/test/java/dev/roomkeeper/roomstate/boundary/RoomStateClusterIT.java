package dev.roomkeeper.roomstate.boundary;

import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Room state on the Redis engine and PostgreSQL (node A), and across two nodes sharing them: a write on one node
 * reaches the other's subscribers, and writers on both nodes racing one key lose nothing.
 */
class RoomStateClusterIT extends RoomStateContract {

    @Override
    PayaraNode node() {
        return Servers.nodeA();
    }

    @Test
    void writesOnTwoNodesReachEverySubscriberAndRacingIncrementsAddUpExactly() throws Exception {
        Fixtures onB = new Fixtures(Servers.nodeB());
        try (WsClient adaOnB = onB.socket("ada")) {
            JsonObject written = adaOnB.send(frame("state.set", "b1", room, "\"key\":\"from-b\",\"value\":\"hello\"")).reply("b1");
            assertEquals("ack", written.getString("type"), written::toString);
            JsonObject seen = bob.await(stateEvent("state.set")).getJsonObject("event");
            assertEquals("from-b", seen.getJsonObject("data").getString("key"));
            assertEquals(written.getJsonObject("result").getJsonNumber("version").longValue(),
                    seen.getJsonNumber("seq").longValue());

            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String user = t % 2 == 0 ? "ada" : "bob";
                PayaraNode node = t % 2 == 0 ? Servers.nodeA() : Servers.nodeB();
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        Http r = httpOn(node, user, "POST", "/votes/increment", "{\"by\":1}");
                        assertEquals(200, r.status(), r::toString);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(100, adaOnB.send(frame("state.get", "g", room, "\"key\":\"votes\"")).reply("g")
                    .getJsonObject("result").getInt("value"));
        }
    }
}
