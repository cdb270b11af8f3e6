package dev.roomkeeper.keyed.control;

import dev.roomkeeper.keyed.entity.KeyedCleared;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.stream.control.RoomEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The keyed-state primitive as features use it: the engine's {@link KeyedStateStore}, with every event it
 * publishes accounted as the stream's own ({@link RoomEvents#published}: metrics and room activity), an
 * unreachable engine answered as the 503 {@code stream-unavailable} problem, and each write counted by space and
 * outcome ({@code roomkeeper.keyed.writes}). Features (room state, playback, media participants) keep their
 * rules and their own space; this bean knows none of them.
 */
@ApplicationScoped
public class KeyedState {

    @Inject
    KeyedStateStore store;

    @Inject
    RoomEvents events;

    @Inject
    Meters metrics;

    /** By space and outcome: a registry lookup builds a MetricID on every call. */
    private final Map<String, Meters.Counter> writes = new ConcurrentHashMap<>();
    private final Map<String, Meters.Counter> expired = new ConcurrentHashMap<>();

    /**
     * Applies a write (see {@link KeyedStateStore#apply}).
     *
     * @throws ProblemException 503 {@code stream-unavailable} when the engine cannot be reached
     */
    public KeyedResult apply(KeyedWrite write, KeyedLimits limits) {
        KeyedResult result = stored(() -> store.apply(write, limits));
        result.events().forEach(events::published);
        writes.computeIfAbsent(write.space() + "/" + result.outcome(), k -> metrics.counter("roomkeeper.keyed.writes",
                "space", write.space(), "outcome", result.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'))).inc();
        return result;
    }

    public Optional<KeyedEntry> get(String room, String space, String key) {
        return stored(() -> store.get(room, space, key));
    }

    public KeyedSnapshot snapshot(String room, String space, String prefix) {
        return stored(() -> store.snapshot(room, space, prefix == null ? "" : prefix));
    }

    /**
     * Announces the expiry of every key whose time to live ran out, in batches.
     *
     * @return how many keys expired
     */
    public int expire(int batch) {
        int total = 0;
        while (true) {
            List<KeyedResult> done = store.expire(System.currentTimeMillis(), batch);
            for (KeyedResult result : done) {
                result.events().forEach(events::published);
                expired.computeIfAbsent(result.space(), s -> metrics.counter("roomkeeper.keyed.expired", "space", s)).inc();
            }
            total += done.size();
            if (done.size() < batch) {
                return total;
            }
        }
    }

    /**
     * Clears a space of a room but for the keys under {@code keep}, with one {@code <space>.cleared} event (see
     * {@link KeyedStateStore#clear}).
     */
    public KeyedCleared clear(String room, String space, List<String> keep, String reason) {
        KeyedCleared cleared = stored(() -> store.clear(room, space, keep, reason));
        cleared.events().forEach(events::published);
        return cleared;
    }

    /** Drops a space of a closed room, announcing nothing. */
    public void release(String room, String space) {
        stored(() -> {
            store.release(room, space);
            return null;
        });
    }

    private <T> T stored(Supplier<T> call) {
        return events.reach("reach the keyed state", call);
    }
}
