package dev.roomkeeper.roomstate.boundary;

import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;

/** Room state on the in-process engine and H2. */
class RoomStateEmbeddedIT extends RoomStateContract {

    @Override
    PayaraNode node() {
        return Servers.embedded();
    }
}
