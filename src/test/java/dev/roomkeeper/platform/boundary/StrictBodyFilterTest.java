package dev.roomkeeper.platform.boundary;

import jakarta.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrictBodyFilterTest {

    @Test
    void aBodyUpToTheLimitIsReadWhole() throws IOException {
        byte[] body = new byte[20_000];
        assertArrayEquals(body, StrictBodyFilter.readAtMost(new ByteArrayInputStream(body), 20_000));
        assertArrayEquals(new byte[0], StrictBodyFilter.readAtMost(new ByteArrayInputStream(new byte[0]), 10));
    }

    @Test
    void aLargerBodyIsReadNoFurtherThanOneByteOverTheLimit() throws IOException {
        int[] read = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read[0]++;
                return 'x';
            }
        };
        assertNull(StrictBodyFilter.readAtMost(endless, 1024));
        assertEquals(1025, read[0]);
    }

    @Test
    void jsonIsApplicationJsonOrAnyPlusJson() {
        assertTrue(StrictBodyFilter.isJson(MediaType.APPLICATION_JSON_TYPE));
        assertTrue(StrictBodyFilter.isJson(new MediaType("application", "json", Map.of("charset", "utf-8"))));
        assertTrue(StrictBodyFilter.isJson(new MediaType("application", "merge-patch+json")));
        assertTrue(StrictBodyFilter.isJson(new MediaType("Application", "JSON")));
        assertFalse(StrictBodyFilter.isJson(MediaType.TEXT_PLAIN_TYPE));
        assertFalse(StrictBodyFilter.isJson(MediaType.APPLICATION_FORM_URLENCODED_TYPE));
        assertFalse(StrictBodyFilter.isJson(null));
    }
}
