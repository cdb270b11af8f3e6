package dev.roomkeeper.transport.boundary;

import dev.roomkeeper.auth.control.InvalidTokenException;
import dev.roomkeeper.auth.control.TokenVerifier;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.control.SocketDispatcher;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.CloseCodes;
import dev.roomkeeper.transport.entity.OutboundFrame;
import dev.roomkeeper.transport.entity.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.Set;

/**
 * {@code auth}: authenticates the socket (or renews its token) and answers {@code welcome}; a missing, mistyped,
 * over-long or otherwise invalid token closes the socket with 4401, and a token of another user than the socket's is refused ({@code unauthorized}).
 * A token in the upgrade URL ({@code ?token=}) comes here too, as an {@code auth} frame without an id.
 */
@ApplicationScoped
public class AuthHandler implements FrameHandler {

    @Inject
    TokenVerifier tokens;

    @Inject
    SocketDispatcher dispatcher;

    @Override
    public Set<String> types() {
        return Set.of("auth");
    }

    @Override
    public boolean beforeAuthentication() {
        return true;
    }

    @Override
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        Caller caller;
        try {
            caller = tokens.verify(token(frame));
        } catch (InvalidTokenException e) {
            // whatever is wrong with it (missing, not a string, too long, refused), a socket is never left open
            // unauthenticated after a failed auth: the client sees 4401 and knows to get a new token
            return Reply.close(CloseCodes.AUTH_FAILED, "invalid token: " + e.reason().code());
        }
        Caller previous = connection.caller();
        if (previous != null && !previous.userId().equals(caller.userId())) {
            return Reply.refuse("unauthorized", "A connection stays with one user; open a new socket for another.");
        }
        connection.authenticate(caller);
        return Reply.send(new OutboundFrame.Welcome(frame.id(), connection.id(), caller.userId(), caller.name(),
                System.currentTimeMillis(), dispatcher.limits(),
                caller.expiresAt() == null ? null : caller.expiresAt().toEpochMilli()));
    }

    /** The frame's {@code token}, left to the verifier to judge (its length among the rest) when it is a string. */
    private static String token(ClientFrame frame) throws InvalidTokenException {
        JsonValue token = frame.get("token");
        if (token == null || token == JsonValue.NULL) {
            throw new InvalidTokenException(InvalidTokenException.Reason.MISSING, "The auth frame carries no token.");
        }
        if (!(token instanceof JsonString text)) {
            throw new InvalidTokenException(InvalidTokenException.Reason.MALFORMED, "The token is not a string.");
        }
        return text.getString();
    }
}
