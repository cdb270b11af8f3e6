package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;

/** Rooms over REST on H2 and the in-process engine. */
class RoomsApiEmbeddedIT extends RoomsApiContract {

    @Override
    PayaraNode node() {
        return Servers.embedded();
    }
}
