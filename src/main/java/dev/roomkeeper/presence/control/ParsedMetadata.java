package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.Meters;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Session metadata as parsed JSON, kept by its text. Every presence snapshot (each join ack, each REST list) lists
 * every session's metadata; the text is stored (memory or Redis) and was parsed again for each of them: with rooms
 * of 50 and 100 joins/s, 5,000 parses a second, the largest share of the join path's CPU and allocation. Metadata
 * changes rarely (a join, an update), so nearly every lookup is a hit.
 * <p>
 * Bounded: at {@link #MAX_ENTRIES} texts the map is emptied and fills again with what is in use, so texts of
 * sessions long gone never pile up (a clear costs one parse per live session, once). Parsed {@link JsonObject}s
 * are immutable, so one is shared by every snapshot that lists it. Reports
 * {@code roomkeeper.presence.meta-cache.lookups{result=hit|miss}} and the {@code .size} gauge.
 */
@ApplicationScoped
public class ParsedMetadata {

    /** Enough for every session of a node at the documented 15,000 sockets, with room for updates. */
    static final int MAX_ENTRIES = 32_768;

    private static final JsonProvider JSON = JsonProvider.provider();

    private final Map<String, JsonObject> parsed = new ConcurrentHashMap<>();

    @Inject
    Meters meters;

    private Meters.Counter hits;
    private Meters.Counter misses;

    /** For CDI. */
    public ParsedMetadata() {
    }

    /** Without CDI (tests): counts in memory. */
    public static ParsedMetadata inMemory(Meters meters) {
        ParsedMetadata cache = new ParsedMetadata();
        cache.meters = meters;
        cache.register();
        return cache;
    }

    @PostConstruct
    void register() {
        hits = meters.counter("roomkeeper.presence.meta-cache.lookups", "result", "hit");
        misses = meters.counter("roomkeeper.presence.meta-cache.lookups", "result", "miss");
        meters.gauge("roomkeeper.presence.meta-cache.size", parsed, Map::size);
    }

    /** The stored metadata text as a JSON object (the text is always an object: the server wrote it). */
    public JsonObject of(String json) {
        JsonObject found = parsed.get(json);
        if (found != null) {
            hits.inc();
            return found;
        }
        misses.inc();
        JsonObject read = parse(json);
        if (parsed.size() >= MAX_ENTRIES) {
            parsed.clear();
        }
        parsed.put(json, read);
        return read;
    }

    int size() {
        return parsed.size();
    }

    private static JsonObject parse(String json) {
        // closed, so that the reader's 8 KB char buffer goes back to the provider's pool
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
