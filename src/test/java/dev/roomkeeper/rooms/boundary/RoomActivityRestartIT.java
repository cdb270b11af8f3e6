package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.testing.Fixtures;
import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import dev.roomkeeper.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.roomkeeper.rooms.boundary.RoomLifecycleContract.activity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A room's last activity survives a restart. The embedded node is the one to restart: its in-process engine
 * forgets every stream when it stops, so after the restart the database is the only source left, and what
 * it says can only have been written by the node's flush (periodic, or the one it runs when it stops). On the
 * Redis nodes the engine would still know the last event and hide a lost write.
 */
class RoomActivityRestartIT {

    @Test
    void theLastActivityOfARoomSurvivesARestartOfTheNodeThatSawIt() {
        PayaraNode node = Servers.embedded();
        Fixtures fx = new Fixtures(node);
        JsonObject created = fx.room();
        String room = created.getString("id");
        fx.member(room, "ada", "participant");
        Instant activeAt;
        try (WsClient ada = fx.socket("ada")) {
            ada.send(Fixtures.subscribe(room, "s")).reply("s");
            ada.send(Fixtures.publish(room, "p", "{\"text\":\"last words\"}")).reply("p");
            JsonObject published = ada.await(f -> "event".equals(f.getString("type"))
                    && "message".equals(f.getJsonObject("event").getString("type"))).getJsonObject("event");
            activeAt = Instant.ofEpochMilli(published.getJsonNumber("time").longValue());
        }
        assertEquals(activeAt, Instant.parse(activity(fx.admin(), room).getString("lastActivity")));
        assertTrue(activeAt.isAfter(Instant.parse(created.getString("createdAt"))), "the activity is not the creation");

        Servers.restartEmbedded();

        JsonObject after = activity(fx.admin(), room);
        assertEquals(activeAt, Instant.parse(after.getString("lastActivity")), after::toString);
        assertEquals(activeAt.plus(RoomLifecycleContract.WINDOW), Instant.parse(after.getString("inactiveAt")));
    }
}
