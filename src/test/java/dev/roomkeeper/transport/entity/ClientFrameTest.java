package dev.roomkeeper.transport.entity;

import jakarta.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringReader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClientFrameTest {

    @ParameterizedTest
    @ValueSource(strings = {"18446744073709551619", "1208925819614629174706176", "9223372036854775808", "-1", "4.5",
            "\"4\"", "true", "1e400"})
    void aSeqThatWouldWrapTruncateOrIsNotOneIsRefusedNeverReadAsAnother(String since) {
        // 2^64+3 was read as 3 and 2^80 as 0: a full replay nobody asked for
        FrameException refused = assertThrows(FrameException.class, () -> frame("{\"since\":" + since + "}").optionalSeq("since"));
        assertEquals("\"since\" must be an integer from 0 to 9223372036854775807.", refused.getMessage());
    }

    @Test
    void wholeNumbersAreReadExactlyInAnyNotation() {
        assertEquals(9223372036854775807L, frame("{\"since\":9223372036854775807}").optionalSeq("since"));
        assertEquals(10_000L, frame("{\"interval\":1e4}").optionalLong("interval", 1, 3_600_000));
        assertEquals(2_000L, frame("{\"interval\":2000.0}").optionalLong("interval", 1, 3_600_000));
        assertNull(frame("{\"since\":null}").optionalSeq("since"));
        assertNull(frame("{}").optionalSeq("since"));
        assertThrows(FrameException.class, () -> frame("{\"interval\":3600001}").optionalLong("interval", 1, 3_600_000));
        assertThrows(FrameException.class, () -> frame("{\"interval\":18446744073709551617}").optionalLong("interval", 1, 3_600_000),
                "2^64+1 is not 1");
    }

    private static ClientFrame frame(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return new ClientFrame("t", null, reader.readObject());
        }
    }
}
