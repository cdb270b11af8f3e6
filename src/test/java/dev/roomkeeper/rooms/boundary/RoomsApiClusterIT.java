package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;

/** Rooms over REST on PostgreSQL and the Redis engine. */
class RoomsApiClusterIT extends RoomsApiContract {

    @Override
    PayaraNode node() {
        return Servers.nodeA();
    }
}
