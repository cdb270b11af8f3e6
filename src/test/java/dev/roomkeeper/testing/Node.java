package dev.roomkeeper.testing;

import java.net.URI;

/** A running server with the WAR deployed, whichever server it is. */
public interface Node {

    /** The HTTP root: REST under {@code /api}, {@code /openapi}. */
    URI base();

    /** The WebSocket endpoint. */
    URI ws();
}
