package dev.roomkeeper.transport.control;

import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.auth.control.TokenVerifier;
import dev.roomkeeper.auth.control.TokenVerifierFixture;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.transport.entity.CloseCodes;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The socket sweep closes a socket for its token at the deadline authentication applies, not before. */
class SocketRegistryTest {

    static final Instant EXP = Instant.parse("2025-03-01T12:00:00Z");

    /** The close frames the server sent on one socket. */
    final List<CloseReason> closes = new ArrayList<>();

    @Test
    void aTokenPastExpButWithinTheSkewKeepsItsSocket() {
        SocketRegistry registry = registryAt(EXP.plusSeconds(25), "PT30S");
        authenticatedSocket(registry, EXP);

        registry.sweep();

        assertTrue(closes.isEmpty(), () -> "closed: " + closes);
    }

    @Test
    void aTokenPastExpPlusSkewClosesItsSocketWith4401() {
        SocketRegistry registry = registryAt(EXP.plusSeconds(30), "PT30S");
        authenticatedSocket(registry, EXP);

        registry.sweep();

        assertEquals(1, closes.size());
        assertEquals(CloseCodes.AUTH_FAILED, closes.get(0).getCloseCode().getCode());
        assertEquals("token expired", closes.get(0).getReasonPhrase());
    }

    @Test
    void theSweepFollowsTheConfiguredSkew() {
        SocketRegistry registry = registryAt(EXP.plusSeconds(5), "PT5S");
        authenticatedSocket(registry, EXP);

        registry.sweep();

        assertEquals(CloseCodes.AUTH_FAILED, closes.get(0).getCloseCode().getCode());
    }

    private static SocketRegistry registryAt(Instant now, String clockSkew) {
        TokenVerifier tokens = TokenVerifierFixture.hs256("a-shared-secret-of-more-than-32-bytes", clockSkew);
        SocketRegistry registry = new SocketRegistry();
        registry.tokens = tokens;
        registry.authTimeout = Duration.ofSeconds(10);
        registry.idleTimeout = Duration.ZERO;
        registry.clock = Clock.fixed(now, ZoneOffset.UTC);
        return registry;
    }

    private void authenticatedSocket(SocketRegistry registry, Instant tokenExpiresAt) {
        Session session = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[]{Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isOpen" -> true;
                    case "close" -> {
                        if (args != null && args.length == 1 && args[0] instanceof CloseReason reason) {
                            closes.add(reason);
                        }
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        SocketConnection connection = new SocketConnection("c1", session, 16, SendBudget.UNLIMITED,
                new RateLimiter(50, 100, System.nanoTime()), new Meters.Counter() {
                    @Override public void inc() { }
                    @Override public void inc(long n) { }
                    @Override public long count() { return 0; }
                });
        connection.authenticate(new Caller("ada", null, null, false, Map.of(), tokenExpiresAt));
        registry.add(connection);
    }
}
