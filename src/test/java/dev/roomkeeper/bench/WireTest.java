package dev.roomkeeper.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class WireTest {

    private static final String JOIN_EVENT = "{\"type\":\"event\",\"event\":{\"room\":\"0b0f6c1e-5b7a-4f43-a7f4-8a1f2d1c9e11\","
            + "\"seq\":42,\"type\":\"presence.join\",\"data\":{\"userId\":\"u1\",\"sessionId\":\"sab-7-3\",\"state\":\"online\"},"
            + "\"time\":1795580761635}}";

    @Test
    void readsTheFrameTypeAndTheEventTypeInsideIt() {
        assertEquals("event", Wire.type(JOIN_EVENT));
        assertEquals("presence.join", Wire.eventType(JOIN_EVENT));
        assertEquals("sab-7-3", Wire.string(JOIN_EVENT, "sessionId", Wire.EVENT_PREFIX.length()));
    }

    @Test
    void anAckIsNoEvent() {
        String ack = "{\"type\":\"ack\",\"id\":\"j3\",\"time\":1,\"result\":{\"room\":\"r\",\"sessionId\":\"s\"}}";
        assertEquals("ack", Wire.type(ack));
        assertEquals("j3", Wire.string(ack, "id", 0));
        assertNull(Wire.eventType(ack));
    }

    @Test
    void readsTheSendersStampFromAMessageBody() {
        String message = "{\"type\":\"event\",\"event\":{\"room\":\"r\",\"seq\":7,\"type\":\"message\",\"data\":{\"from\":"
                + "{\"userId\":\"u\",\"name\":\"U\"},\"body\":{\"t\":123456789012}},\"time\":5}}";
        assertEquals("message", Wire.eventType(message));
        assertEquals(123456789012L, Wire.messageStamp(message));
    }

    @Test
    void missingFieldsAreReportedAsAbsent() {
        assertEquals(-1, Wire.messageStamp("{\"type\":\"event\",\"event\":{\"type\":\"message\",\"data\":{}}}"));
        assertEquals(-1, Wire.number("{\"t\":\"x\"}", "t", 0));
        assertNull(Wire.string("{\"type\":1}", "type", 0));
    }

    @Test
    void framesTheHarnessSendsAreTheProtocolsShapes() {
        assertEquals("{\"type\":\"publish\",\"id\":\"p\",\"room\":\"bench-1\",\"data\":{\"t\":99}}",
                Wire.publish("p", "bench-1", 99));
        assertEquals("{\"type\":\"presence.heartbeat\",\"room\":\"bench-1\",\"sessionId\":\"s-1-0\"}",
                Wire.heartbeat("bench-1", "s-1-0"));
    }
}
