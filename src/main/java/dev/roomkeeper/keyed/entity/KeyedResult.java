package dev.roomkeeper.keyed.entity;

import dev.roomkeeper.stream.entity.RoomEvent;

import java.util.List;

/**
 * What a write (or an expiry) did.
 *
 * @param outcome what happened
 * @param room    the room's id
 * @param space   the space
 * @param key     the key
 * @param entry   for {@link Outcome#APPLIED}: the key after the write (null after a delete or an expiry); for a
 *                refusal or a duplicate: the key as it is now (null when absent)
 * @param events  the room events published, in seq order, atomically with the change: the write's event, after
 *                the announcement of the key's expiry when the key had expired and was not swept yet. Empty
 *                when nothing changed
 * @param seq     for {@link Outcome#APPLIED}: the seq of the write's event (the key's new version); for
 *                {@link Outcome#DUPLICATE}: that of the first write with the idempotency key (0 when that one
 *                changed nothing); else 0
 */
public record KeyedResult(Outcome outcome, String room, String space, String key, KeyedEntry entry,
                          List<RoomEvent> events, long seq) {

    public enum Outcome {
        /** the write applied (for a delete: the key existed and is gone) */
        APPLIED,
        /** a delete of a key that does not exist: nothing to do */
        ABSENT,
        /** a retry of a write already done with the same idempotency key: nothing done again */
        DUPLICATE,
        /** the condition did not hold (the key exists, does not, or has another version) */
        CONFLICT,
        /** the space would hold more keys than its limit */
        TOO_MANY_KEYS,
        /** the space would hold more bytes than its limit */
        TOO_MANY_BYTES,
        /** the value is longer than one value may be */
        VALUE_TOO_LARGE,
        /** an increment of a value that is not an integer */
        NOT_A_NUMBER,
        /** an increment past the exact range of a counter ({@link KeyedWrite#MAX_COUNTER}) */
        OUT_OF_RANGE
    }

    public KeyedResult {
        events = List.copyOf(events);
    }

    /** A refusal or no-op: nothing published. */
    public static KeyedResult unchanged(Outcome outcome, KeyedWrite write, KeyedEntry current, long seq) {
        return new KeyedResult(outcome, write.room(), write.space(), write.key(), current, List.of(), seq);
    }

    /** True when the write changed the state (and published). */
    public boolean applied() {
        return outcome == Outcome.APPLIED;
    }
}
