package dev.roomkeeper.roomstate.control;

import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.platform.control.ProblemException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;

/**
 * A write to a room's state that the state refused as it is now: a condition that did not hold, a quota, a value
 * that cannot be counted. Its extension members tell the client what it needs to act: the key as it is now
 * ({@code current}: version and value, or null when absent), or the limit and the room's usage. Over REST a
 * problem+json with those members, over WebSocket an error frame with them.
 */
public class StateRefusal extends ProblemException {

    private static final JsonProvider JSON = JsonProvider.provider();

    StateRefusal(int status, String type, String title, String detail, JsonObject extensions) {
        super(status, type, title, detail, extensions);
    }

    /** A compare-and-set (or set-if-absent, or conditional delete) whose condition did not hold: 412. */
    static StateRefusal conflict(String key, KeyedEntry current) {
        String detail = current == null
                ? "The key \"" + key + "\" does not exist (any more)."
                : "The key \"" + key + "\" is at version " + current.version() + ", not the one the write expected.";
        return new StateRefusal(412, "version-conflict", "Version conflict", detail,
                JSON.createObjectBuilder().add("key", key).add("current", current(current)).build());
    }

    /**
     * A quota: {@code limit} is {@code max-keys}, {@code max-bytes} or {@code max-value-bytes}; the usage is the
     * room's state as it was read right after the refusal.
     */
    static StateRefusal quota(String key, String limit, long max, long keys, long bytes, Long valueBytes) {
        String what = switch (limit) {
            case "max-keys" -> "A room's state holds at most " + max + " keys; it holds " + keys + ".";
            case "max-bytes" -> "A room's state holds at most " + max + " bytes (key names and values); it holds "
                    + bytes + " and the write would take it past that.";
            default -> "A value is at most " + max + " bytes of JSON; this one is " + valueBytes + ".";
        };
        JsonObjectBuilder extensions = JSON.createObjectBuilder().add("key", key).add("limit", limit).add("max", max)
                .add("usage", JSON.createObjectBuilder().add("keys", keys).add("bytes", bytes));
        if (valueBytes != null) {
            extensions.add("valueBytes", valueBytes);
        }
        return new StateRefusal("max-value-bytes".equals(limit) ? 413 : 409, "quota-exceeded", "Quota exceeded", what,
                extensions.build());
    }

    /** An increment of a value that is not an integer, or past the exact range of a counter: 409. */
    static StateRefusal notCountable(String type, String key, KeyedEntry current, String detail) {
        return new StateRefusal(409, type, "not-a-number".equals(type) ? "Not a number" : "Out of range", detail,
                JSON.createObjectBuilder().add("key", key).add("current", current(current)).build());
    }

    /** {@code {"version":n,"value":V[,"expiresAt":ms]}}, or JSON null for an absent key. */
    public static JsonValue current(KeyedEntry entry) {
        if (entry == null) {
            return JsonValue.NULL;
        }
        JsonObjectBuilder json = JSON.createObjectBuilder().add("version", entry.version()).add("value", value(entry.value()));
        if (entry.expiresAt() > 0) {
            json.add("expiresAt", entry.expiresAt());
        }
        return json.build();
    }

    /** A stored value (JSON text) as a JSON value. */
    public static JsonValue value(String text) {
        try (var reader = JSON.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }
}
