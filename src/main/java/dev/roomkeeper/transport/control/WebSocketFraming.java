package dev.roomkeeper.transport.control;

import java.nio.charset.StandardCharsets;

/**
 * A server's WebSocket text frame as it goes on the wire (RFC 6455, section 5.2): final, opcode 1, unmasked
 * (servers never mask), with the payload length in 7, 16 or 64 bits. The same bytes suit every client, so an
 * event is framed once per node and the frame shared by all its sockets.
 */
final class WebSocketFraming {

    private WebSocketFraming() {
    }

    /** The whole frame carrying {@code text} (well-formed: input with lone surrogates is refused at the door). */
    static byte[] text(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + n];
        frame[0] = (byte) 0x81; // FIN, text
        if (n < 126) {
            frame[1] = (byte) n;
        } else if (n <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (n >>> 8);
            frame[3] = (byte) n;
        } else {
            frame[1] = 127;
            long length = n;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) (length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, n);
        return frame;
    }
}
