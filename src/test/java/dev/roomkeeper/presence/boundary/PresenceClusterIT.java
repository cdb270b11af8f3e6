package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.testing.PayaraNode;
import dev.roomkeeper.testing.Servers;

/** Presence on the Redis engine and PostgreSQL. */
class PresenceClusterIT extends PresenceContract {

    @Override
    PayaraNode node() {
        return Servers.nodeA();
    }
}
