package dev.roomkeeper.roomstate.boundary;

import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.roomstate.control.StateRefusal;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

/** The JSON shapes of room state in acks and REST bodies, one place for both ({@code src/docs/roomstate.md}). */
final class StateJson {

    private static final JsonProvider JSON = JsonProvider.provider();

    private StateJson() {
    }

    /**
     * {@code {"room","epoch","seq","prefix","keys","bytes","limits":{..},"entries":{key:{"value","version"[,"expiresAt"]}}}}:
     * {@code keys} and {@code bytes} count the room's whole state, {@code entries} the keys under the prefix.
     */
    static JsonObject snapshot(KeyedSnapshot snapshot, KeyedLimits limits, String prefix) {
        JsonObjectBuilder entries = JSON.createObjectBuilder();
        for (KeyedEntry entry : snapshot.entries()) {
            entries.add(entry.key(), StateRefusal.current(entry));
        }
        return JSON.createObjectBuilder()
                .add("room", snapshot.room())
                .add("epoch", snapshot.epoch())
                .add("seq", snapshot.seq())
                .add("prefix", prefix)
                .add("keys", snapshot.keys())
                .add("bytes", snapshot.bytes())
                .add("limits", JSON.createObjectBuilder().add("maxKeys", limits.maxKeys()).add("maxBytes", limits.maxBytes())
                        .add("maxValueBytes", limits.maxValueBytes()))
                .add("entries", entries)
                .build();
    }

    /** {@code {"room","key","exists"[,"value","version","expiresAt"]}}. */
    static JsonObject entry(String roomId, String key, KeyedEntry entry) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("room", roomId).add("key", key).add("exists", entry != null);
        if (entry != null) {
            json.add("value", StateRefusal.value(entry.value())).add("version", entry.version());
            if (entry.expiresAt() > 0) {
                json.add("expiresAt", entry.expiresAt());
            }
        }
        return json.build();
    }

    /**
     * After a set or increment: the key as written ({@code value}, {@code version}, {@code expiresAt}); a retry of a
     * write already done with the idempotency key says {@code "duplicate":true}, with the key as it is now.
     */
    static JsonObject written(String roomId, KeyedResult result) {
        JsonObjectBuilder json = JSON.createObjectBuilder(entry(roomId, result.key(), result.entry()));
        if (result.outcome() == KeyedResult.Outcome.DUPLICATE) {
            json.add("duplicate", true);
        }
        return json.build();
    }

    /** After a delete: {@code {"room","key","deleted"[,"version"]}}, version being that of the delete's event. */
    static JsonObject deleted(String roomId, KeyedResult result) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("room", roomId).add("key", result.key())
                .add("deleted", result.applied());
        if (result.applied()) {
            json.add("version", result.seq());
        }
        if (result.outcome() == KeyedResult.Outcome.DUPLICATE) {
            json.add("duplicate", true);
        }
        return json.build();
    }
}
