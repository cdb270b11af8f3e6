package dev.roomkeeper.transport.boundary;

import dev.roomkeeper.transport.control.SocketDispatcher;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.nio.ByteBuffer;

/**
 * One WebSocket per browser at {@code /ws}, multiplexing its rooms. The protocol is in
 * src/docs/protocol.md; the rules are in {@link SocketDispatcher}.
 */
@ServerEndpoint("/ws")
public class RoomSocketEndpoint {

    /** The hard ceiling the container buffers; the configured limit (default 64 KB) is checked below it. */
    static final int CONTAINER_MAX_FRAME = 1024 * 1024;

    @Inject
    SocketDispatcher dispatcher;

    @OnOpen
    public void open(Session session) {
        dispatcher.opened(session);
    }

    @OnMessage(maxMessageSize = CONTAINER_MAX_FRAME)
    public void text(Session session, String text) {
        dispatcher.received(session, text);
    }

    @OnMessage
    public void binary(Session session, ByteBuffer data) {
        dispatcher.binaryReceived(session);
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        dispatcher.closed(session, reason == null ? 1006 : reason.getCloseCode().getCode());
    }

    @OnError
    public void error(Session session, Throwable error) {
        dispatcher.failed(session, error);
    }
}
