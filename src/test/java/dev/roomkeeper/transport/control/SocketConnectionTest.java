package dev.roomkeeper.transport.control;

import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.transport.entity.CloseCodes;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SocketConnectionTest {

    private final List<String> written = new ArrayList<>();
    private final List<CloseReason> closes = new ArrayList<>();
    private final AtomicLong failures = new AtomicLong();
    private final Meters.Counter counter = new Meters.Counter() {
        @Override
        public void inc() {
            failures.incrementAndGet();
        }

        @Override
        public void inc(long n) {
            failures.addAndGet(n);
        }

        @Override
        public long count() {
            return failures.get();
        }
    };

    @Test
    void aSendThatThrowsClosesThatSocketWith1011AndIsCounted() {
        SocketConnection socket = connection((text, handler) -> {
            if (text.contains("unsendable")) {
                throw new Error("cannot encode"); // as Tyrus does for a lone surrogate
            }
            written.add(text);
            handler.onResult(new SendResult());
        });
        assertTrue(socket.enqueue("first"));
        socket.enqueue("unsendable");
        assertEquals(List.of("first"), written);
        assertEquals(1, closes.size(), "closed once");
        assertEquals(CloseCodes.INTERNAL, closes.get(0).getCloseCode().getCode());
        assertEquals(1, failures.get());
        assertFalse(socket.enqueue("after"), "a closed socket takes nothing more");
        assertEquals(0, socket.backlog());
    }

    @Test
    void aSendTheConnectionFailedClosesWith1001AndIsCounted() {
        SocketConnection socket = connection((text, handler) -> handler.onResult(new SendResult(new IOException("reset"))));
        socket.enqueue("lost");
        assertEquals(CloseCodes.GOING_AWAY, closes.get(0).getCloseCode().getCode());
        assertEquals(1, failures.get());
    }

    @Test
    void aFailureWhileClosingIsNotCountedAgain() {
        SocketConnection socket = connection((text, handler) -> handler.onResult(new SendResult(new IOException("reset"))));
        socket.close(CloseCodes.NORMAL, "bye");
        socket.enqueue("too late");
        assertEquals(0, failures.get());
    }

    private SocketConnection connection(BiConsumer<String, SendHandler> sendText) {
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendText") && args.length == 2 && args[1] instanceof SendHandler handler) {
                        sendText.accept((String) args[0], handler);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        boolean[] open = {true};
        Session session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> remote;
                    case "isOpen" -> open[0];
                    case "close" -> {
                        closes.add((CloseReason) args[0]);
                        open[0] = false;
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new SocketConnection("c1", session, 10, SendBudget.UNLIMITED, new RateLimiter(10, 10, 0), counter);
    }
}
