package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;
import redis.clients.jedis.Jedis;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The room lifecycle on two nodes sharing Redis and PostgreSQL: what one node sees (presence, events) counts
 * on the other, which runs the sweep.
 */
class RoomLifecycleClusterIT extends RoomLifecycleContract {

    @Override
    PayaraNode node() {
        return Servers.nodeA();
    }

    @Override
    PayaraNode otherNode() {
        return Servers.nodeB();
    }

    /** Every key of the room (its stream and its presence share the room's hash tag) is gone. */
    @Override
    void assertReleased(String roomId) {
        try (Jedis redis = new Jedis("127.0.0.1", Servers.redisPort())) {
            assertEquals(Set.of(), redis.keys("rk:{" + roomId + "}:*"));
        }
    }
}
