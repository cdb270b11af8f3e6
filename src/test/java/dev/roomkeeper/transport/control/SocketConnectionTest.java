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

    @Test
    void aFeaturesFilterPassesOverTheEventsOfItsRoomItDoesNotAcceptAndOnlyThose() {
        SocketConnection socket = connection((text, handler) -> {
            written.add(text);
            handler.onResult(new SendResult());
        });
        socket.filter("r1", "state", e -> !e.type().equals("state.set"));
        assertTrue(socket.send(event("r1", 1, "state.set")), "passed over, the subscription goes on");
        assertTrue(socket.send(event("r1", 2, "message")));
        assertTrue(socket.send(event("r2", 3, "state.set")), "other rooms are not narrowed");
        socket.filter("r1", "other", e -> e.seq() != 4);
        socket.send(event("r1", 4, "message"));
        socket.filter("r1", "state", null);
        socket.filter("r1", "other", null);
        socket.send(event("r1", 5, "state.set"));
        assertEquals(List.of(2L, 3L, 5L), written.stream()
                .map(text -> Long.parseLong(text.replaceAll(".*\"seq\":(\\d+).*", "$1"))).toList());
    }

    private static dev.roomkeeper.stream.control.OutboundEvent event(String room, long seq, String type) {
        return new dev.roomkeeper.stream.control.OutboundEvent(new dev.roomkeeper.stream.entity.RoomEvent(room, seq, type, "{}", 0));
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
