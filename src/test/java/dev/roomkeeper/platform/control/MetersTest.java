package dev.roomkeeper.platform.control;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The in-memory meters tests read, and the rules every backend shares. */
class MetersTest {

    private final Meters meters = Meters.inMemory();

    @Test
    void countersAreKeptByNameAndTags() {
        meters.counter("roomkeeper.events.published", "type", "message").inc();
        meters.counter("roomkeeper.events.published", "type", "message").inc(2);
        meters.counter("roomkeeper.events.published", "type", "member.added").inc();

        assertEquals(3, meters.counter("roomkeeper.events.published", "type", "message").count());
        assertEquals(1, meters.counter("roomkeeper.events.published", "type", "member.added").count());
        assertEquals(0, meters.counter("roomkeeper.events.published").count());
        assertEquals("memory", meters.backend());
    }

    @Test
    void tagsComeInPairs() {
        assertThrows(IllegalArgumentException.class, () -> meters.counter("roomkeeper.ws.errors", "code"));
    }
}
