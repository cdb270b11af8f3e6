package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;

/** The room lifecycle on the in-process engine and H2: one node. */
class RoomLifecycleEmbeddedIT extends RoomLifecycleContract {

    @Override
    PayaraNode node() {
        return Servers.embedded();
    }

    @Override
    PayaraNode otherNode() {
        return Servers.embedded();
    }

    /** The in-process engine cannot be looked into from outside; its release is covered by MemoryStreamBrokerTest. */
    @Override
    void assertReleased(String roomId) {
        // nothing to look at
    }
}
