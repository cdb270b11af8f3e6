package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;

/** Presence on the in-process engine and H2. */
class PresenceEmbeddedIT extends PresenceContract {

    @Override
    PayaraNode node() {
        return Servers.embedded();
    }
}
