package dev.roomkeeper.stream.boundary;

import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;

/** The stream on the Quick start defaults: H2 and the in-process engine. */
class RoomStreamEmbeddedIT extends RoomStreamContract {

    @Override
    PayaraNode node() {
        return Servers.embedded();
    }
}
