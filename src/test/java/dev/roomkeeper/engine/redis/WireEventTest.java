package dev.roomkeeper.engine.redis;

import dev.roomkeeper.stream.entity.RoomEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WireEventTest {

    @Test
    void dataWithNewlinesAndUnicodeRoundTrips() {
        WireEvent wire = new WireEvent("8f3a", new RoomEvent("room-1", 42, "chat.message",
                "{\"t\":\"a\nb\r\nc \\n é 😀\"}\n\n", 1767225600123L, "8f3a"));
        assertEquals(wire, WireEvent.decode(wire.encode()));
    }

    @Test
    void fieldsAreInTheDocumentedOrder() {
        WireEvent wire = WireEvent.decode("r\ne\n7\n1000\nroom.closed\n{}");
        assertEquals("e", wire.epoch());
        assertEquals(new RoomEvent("r", 7, "room.closed", "{}", 1000, "e"), wire.event());
    }

    @Test
    void malformedTextIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> WireEvent.decode("r\ne\n7\n1000"));
        assertThrows(IllegalArgumentException.class, () -> WireEvent.decode("r\ne\nseven\n1000\nt\n{}"));
    }
}
