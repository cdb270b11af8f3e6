package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.stream.control.RoomEvents;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PresenceRegistryTest {

    private final PresenceRegistry registry = new PresenceRegistry();

    PresenceRegistryTest() {
        registry.defaultInterval = Duration.ofSeconds(10);
        registry.minInterval = Duration.ofSeconds(2);
        registry.maxInterval = Duration.ofSeconds(60);
    }

    @Test
    void aStoreThatCannotAnswerIsTheStreamUnavailableProblemNotAnInternalError() {
        registry.store = (PresenceStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{PresenceStore.class}, (proxy, method, args) -> {
                    throw new IllegalStateException("connection refused");
                });
        registry.events = new RoomEvents() {
            @Override
            public ProblemException unavailable(String what, RuntimeException cause) {
                return new ProblemException(503, "stream-unavailable", "Event stream unavailable", what);
            }
        };
        ProblemException refused = assertThrows(ProblemException.class, () -> registry.leave("room", "ada", "tab-1234"));
        assertEquals(503, refused.status());
        assertEquals("stream-unavailable", refused.type());
        assertThrows(ProblemException.class, () -> registry.snapshot("room"));
    }

    @Test
    void aJoinListsEveryInvalidFieldBeforeLookingAnythingUp() {
        // no store, no access bean: validation comes first, and does not stop at the session id
        jakarta.json.JsonObject meta = jakarta.json.Json.createObjectBuilder()
                .add("avatarUrl", "javascript:alert(1)").add("isSpeaking", "yes").build();
        ProblemException refused = assertThrows(ProblemException.class, () -> registry.join(
                new dev.roomkeeper.auth.entity.Caller("ada", "Ada", null, false, java.util.Map.of(), java.time.Instant.MAX),
                "no-such-room", "short", null, meta, null));
        assertEquals("validation", refused.type());
        assertEquals(java.util.List.of("sessionId", "meta.avatarUrl", "meta.isSpeaking"),
                refused.errors().stream().map(dev.roomkeeper.platform.entity.Problem.FieldError::field).toList());
    }

    @Test
    void noRequestGetsTheDefaultInterval() {
        assertEquals(Duration.ofSeconds(10), registry.grant(null));
    }

    @Test
    void aRequestWithinTheBoundsIsGrantedAsAsked() {
        assertEquals(Duration.ofMillis(2_000), registry.grant(2_000L));
        assertEquals(Duration.ofMillis(30_500), registry.grant(30_500L));
        assertEquals(Duration.ofMillis(60_000), registry.grant(60_000L));
    }

    @Test
    void aRequestOutsideTheBoundsIsClampedToTheNearestBound() {
        assertEquals(Duration.ofSeconds(2), registry.grant(1_999L));
        assertEquals(Duration.ofSeconds(2), registry.grant(1L));
        assertEquals(Duration.ofSeconds(60), registry.grant(60_001L));
        assertEquals(Duration.ofSeconds(60), registry.grant(3_600_000L));
    }
}
