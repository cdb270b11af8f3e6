package dev.roomkeeper.presence.boundary;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PresenceResourceTest {

    @Test
    void aBeaconBodyIsTheTokenAsTextJsonOrFormField() {
        assertEquals("abc.def", PresenceResource.tokenOf(" abc.def\n"));
        assertEquals("abc.def", PresenceResource.tokenOf("{\"sessionToken\":\"abc.def\"}"));
        assertEquals("abc.def", PresenceResource.tokenOf("sessionToken=abc%2Edef"));
    }

    @Test
    void malformedPercentEncodingInAFormBodyNamesNoToken() {
        assertNull(PresenceResource.tokenOf("sessionToken=%ZZ"));
        assertNull(PresenceResource.tokenOf("sessionToken=a%2"));
        assertNull(PresenceResource.tokenOf("sessionToken=%"));
    }

    @Test
    void emptyOversizedOrMistypedBodiesNameNoToken() {
        assertNull(PresenceResource.tokenOf(null));
        assertNull(PresenceResource.tokenOf("  "));
        assertNull(PresenceResource.tokenOf("x".repeat(4097)));
        assertNull(PresenceResource.tokenOf("{\"sessionToken\":42}"));
        assertNull(PresenceResource.tokenOf("{\"sessionToken\":"));
    }

    @Test
    void aBeaconBodyIsReadNoFurtherThan4096Bytes() throws java.io.IOException {
        assertEquals("abc.def", PresenceResource.beacon(new java.io.ByteArrayInputStream("abc.def".getBytes())));
        int[] read = {0};
        java.io.InputStream endless = new java.io.InputStream() {
            @Override
            public int read() {
                read[0]++;
                return 'x';
            }
        };
        assertNull(PresenceResource.beacon(endless), "an oversized beacon names no session");
        assertEquals(4097, read[0], "and is not read any further");
    }
}
