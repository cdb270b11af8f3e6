package dev.roomkeeper.stream.boundary;

import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;

/** The stream on the production configuration: PostgreSQL and the Redis engine. */
class RoomStreamClusterIT extends RoomStreamContract {

    @Override
    PayaraNode node() {
        return Servers.nodeA();
    }
}
