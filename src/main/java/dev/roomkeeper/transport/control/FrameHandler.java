package dev.roomkeeper.transport.control;

import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.Reply;

import java.util.Set;

/**
 * How frame types reach their code: a CDI bean implementing this is handed every frame whose {@code type} it
 * claims, and answers with a {@link Reply} that the socket core carries out. The core's own frames (auth, ping,
 * subscribe, unsubscribe, publish) are handlers like any feature's; a feature adds frame types by adding a
 * handler in its own package, never by editing the core. Two handlers claiming one type stop the deployment.
 * <p>
 * Throw {@link dev.roomkeeper.transport.entity.FrameException} for a malformed field (answered
 * {@code invalid-frame}) and {@code ProblemException} for a refusal (answered with its type as the error code and
 * its field list); anything else is answered {@code internal} with an incident id that is logged.
 */
public interface FrameHandler {

    /** The frame types this handler takes, such as {@code presence.join}. */
    Set<String> types();

    /**
     * True for frames a socket may send before it authenticated ({@code auth}, {@code ping}); any other frame
     * on an unauthenticated socket closes it with 4401 before reaching its handler.
     */
    default boolean beforeAuthentication() {
        return false;
    }

    /** Handles one frame of one socket; frames of a socket arrive one at a time, in order. */
    Reply handle(SocketConnection connection, ClientFrame frame);
}
