package dev.roomkeeper.platform.control;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

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
    void gaugesAreReadByNameAndTags() {
        AtomicLong presence = new AtomicLong(3);
        AtomicLong attendance = new AtomicLong(5);
        meters.gauge("roomkeeper.job.running", presence, AtomicLong::get, "job", "presence-sweep");
        meters.gauge("roomkeeper.job.running", attendance, AtomicLong::get, "job", "attendance-flush");
        meters.gauge("roomkeeper.sse.connections", presence, AtomicLong::get);

        presence.set(1);
        assertEquals(1.0, meters.gauge("roomkeeper.job.running", "job", "presence-sweep"));
        assertEquals(5.0, meters.gauge("roomkeeper.job.running", "job", "attendance-flush"));
        assertEquals(1.0, meters.gauge("roomkeeper.sse.connections"));
        assertEquals(Double.NaN, meters.gauge("roomkeeper.job.running"), "no gauge without tags by that name");
        assertEquals(Double.NaN, meters.gauge("roomkeeper.job.running", "job", "other"));
    }

    @Test
    void tagsComeInPairs() {
        assertThrows(IllegalArgumentException.class, () -> meters.counter("roomkeeper.ws.errors", "code"));
        assertThrows(IllegalArgumentException.class,
                () -> meters.gauge("roomkeeper.job.running", new AtomicLong(), AtomicLong::get, "job"));
    }
}
