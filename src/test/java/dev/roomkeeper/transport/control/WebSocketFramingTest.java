package dev.roomkeeper.transport.control;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WebSocketFramingTest {

    private static byte[] payloadOf(byte[] frame, int header) {
        return Arrays.copyOfRange(frame, header, frame.length);
    }

    @Test
    void aShortTextIsOneFinalUnmaskedTextFrameWithASevenBitLength() {
        byte[] frame = WebSocketFraming.text("{\"a\":\"é\"}");
        assertEquals((byte) 0x81, frame[0]);
        assertEquals(10, frame[1]); // 10 bytes of UTF-8, no mask bit
        assertArrayEquals("{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8), payloadOf(frame, 2));
    }

    @Test
    void lengthsFrom126To65535TakeSixteenBitsAndLongerOnesSixtyFour() {
        for (int n : new int[]{125, 126, 65_535, 65_536, 70_000}) {
            byte[] frame = WebSocketFraming.text("x".repeat(n));
            int header = n < 126 ? 2 : n <= 65_535 ? 4 : 10;
            assertEquals(header + n, frame.length, "length " + n);
            long length;
            if (header == 2) {
                length = frame[1];
            } else if (header == 4) {
                assertEquals(126, frame[1]);
                length = (frame[2] & 0xFF) << 8 | frame[3] & 0xFF;
            } else {
                assertEquals(127, frame[1]);
                length = 0;
                for (int i = 2; i < 10; i++) {
                    length = length << 8 | frame[i] & 0xFF;
                }
            }
            assertEquals(n, length, "length " + n);
        }
    }
}
