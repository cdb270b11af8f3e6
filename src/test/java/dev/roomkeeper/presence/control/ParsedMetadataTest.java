package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.Meters;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParsedMetadataTest {

    private final Meters meters = Meters.inMemory();
    private final ParsedMetadata metadata = ParsedMetadata.inMemory(meters);

    @Test
    void theSameTextIsParsedOnceAndSharedWhicheverStringHoldsIt() {
        JsonObject first = metadata.of("{\"displayName\":\"Ann\",\"role\":\"host\"}");
        // a Redis read gives an equal text in a new String: still a hit
        JsonObject again = metadata.of(new String("{\"displayName\":\"Ann\",\"role\":\"host\"}"));
        assertSame(first, again);
        assertEquals(Json.createObjectBuilder().add("displayName", "Ann").add("role", "host").build(), first);
        assertEquals(1, meters.counter("roomkeeper.presence.meta-cache.lookups", "result", "hit").count());
        assertEquals(1, meters.counter("roomkeeper.presence.meta-cache.lookups", "result", "miss").count());
        assertEquals(1, meters.gauge("roomkeeper.presence.meta-cache.size"));
    }

    @Test
    void changedMetadataIsParsedAfresh() {
        metadata.of("{\"displayName\":\"Ann\"}");
        assertEquals("Ann 2", metadata.of("{\"displayName\":\"Ann 2\"}").getString("displayName"));
    }

    @Test
    void theCacheNeverHoldsMoreThanItsBound() {
        for (int i = 0; i < ParsedMetadata.MAX_ENTRIES + 10; i++) {
            assertEquals(i, metadata.of("{\"n\":" + i + "}").getInt("n"));
        }
        assertTrue(metadata.size() <= ParsedMetadata.MAX_ENTRIES, "size " + metadata.size());
        assertTrue(metadata.size() > 0);
    }
}
