package dev.roomkeeper.transport.boundary;

import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.OutboundFrame;
import dev.roomkeeper.transport.entity.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonNumber;

import java.util.Set;

/** {@code ping}: clock sync and keep-alive; answers {@code pong} with the server's time and the client's echoed. */
@ApplicationScoped
public class PingHandler implements FrameHandler {

    @Override
    public Set<String> types() {
        return Set.of("ping");
    }

    @Override
    public boolean beforeAuthentication() {
        return true;
    }

    @Override
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        JsonNumber clientTime = frame.get("clientTime") instanceof JsonNumber number ? number : null;
        return Reply.send(new OutboundFrame.Pong(frame.id(), System.currentTimeMillis(), clientTime));
    }
}
