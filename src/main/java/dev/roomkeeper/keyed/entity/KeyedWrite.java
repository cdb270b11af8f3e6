package dev.roomkeeper.keyed.entity;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One write to a key of a room's keyed state: set, increment or delete, with its condition, time to live,
 * idempotency key and author. Build one with {@link #set}, {@link #increment} or {@link #delete} and the
 * {@code with...} methods.
 *
 * @param room           the room's id
 * @param space          the feature's space of keys in the room ({@code state}, {@code playback}, ...): its
 *                       events are {@code <space>.set} and {@code <space>.delete}
 * @param key            the key: 1 to {@value #MAX_KEY_LENGTH} characters, no newline
 * @param op             what to do
 * @param value          for {@link Op#SET}: the new value, JSON text (the caller checks it is JSON); else null
 * @param delta          for {@link Op#INCREMENT}: what to add (may be negative); else 0
 * @param condition      when the write applies
 * @param ttlMillis      a time to live in ms, from now; 0 for none. A set without one makes the key permanent;
 *                       an increment without one keeps the key's expiry
 * @param idempotencyKey when not null, a retry with the same key within {@link #IDEMPOTENCY_WINDOW_MILLIS}
 *                       changes nothing and answers {@link KeyedResult.Outcome#DUPLICATE}
 * @param by             who writes (a user id), carried in the event as {@code by}; null to leave it out
 * @param silent         when true the write publishes no event of its own (see {@link #silently()})
 */
public record KeyedWrite(String room, String space, String key, Op op, String value, long delta,
                         Condition condition, long ttlMillis, String idempotencyKey, String by, boolean silent) {

    public static final int MAX_KEY_LENGTH = 256;
    /** Counters are exact in JavaScript and in Redis's Lua (doubles) up to this magnitude. */
    public static final long MAX_COUNTER = (1L << 53) - 1;
    public static final long MAX_TTL_MILLIS = 366L * 24 * 3600 * 1000;
    public static final long IDEMPOTENCY_WINDOW_MILLIS = 5 * 60 * 1000;

    private static final Pattern SPACE = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public enum Op {
        SET, INCREMENT, DELETE
    }

    public KeyedWrite {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(condition, "condition");
        if (space == null || !SPACE.matcher(space).matches()) {
            throw new IllegalArgumentException("a space is 1 to 32 characters of a-z 0-9 -, starting with a letter");
        }
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH || key.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a key is 1 to " + MAX_KEY_LENGTH + " characters without a newline");
        }
        if ((op == Op.SET) != (value != null)) {
            throw new IllegalArgumentException("a set carries a value, and only a set");
        }
        if (op != Op.INCREMENT && delta != 0 || Math.abs(delta) > MAX_COUNTER) {
            throw new IllegalArgumentException("a delta goes with an increment and is at most " + MAX_COUNTER);
        }
        if (ttlMillis < 0 || ttlMillis > MAX_TTL_MILLIS || op == Op.DELETE && ttlMillis != 0) {
            throw new IllegalArgumentException("a time to live is 0 to " + MAX_TTL_MILLIS + " ms, and not on a delete");
        }
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw new IllegalArgumentException("an idempotency key is 1 to 64 characters of A-Z a-z 0-9 _ . : -");
        }
        if (by != null && (by.isEmpty() || by.indexOf('\n') >= 0)) {
            throw new IllegalArgumentException("by is a user id");
        }
    }

    /** A write as its author sends it: announced by its own event. */
    public KeyedWrite(String room, String space, String key, Op op, String value, long delta,
                      Condition condition, long ttlMillis, String idempotencyKey, String by) {
        this(room, space, key, op, value, delta, condition, ttlMillis, idempotencyKey, by, false);
    }

    /** Sets {@code key} to {@code value} (JSON text), unconditionally, with no expiry. */
    public static KeyedWrite set(String room, String space, String key, String value) {
        return new KeyedWrite(room, space, key, Op.SET, value, 0, Condition.always(), 0, null, null);
    }

    /** Adds {@code delta} to the integer at {@code key} (0 when absent). */
    public static KeyedWrite increment(String room, String space, String key, long delta) {
        return new KeyedWrite(room, space, key, Op.INCREMENT, null, delta, Condition.always(), 0, null, null);
    }

    /** Deletes {@code key}, unconditionally. */
    public static KeyedWrite delete(String room, String space, String key) {
        return new KeyedWrite(room, space, key, Op.DELETE, null, 0, Condition.always(), 0, null, null);
    }

    public KeyedWrite withCondition(Condition condition) {
        return new KeyedWrite(room, space, key, op, value, delta, condition, ttlMillis, idempotencyKey, by, silent);
    }

    public KeyedWrite withTtl(long ttlMillis) {
        return new KeyedWrite(room, space, key, op, value, delta, condition, ttlMillis, idempotencyKey, by, silent);
    }

    public KeyedWrite withIdempotencyKey(String idempotencyKey) {
        return new KeyedWrite(room, space, key, op, value, delta, condition, ttlMillis, idempotencyKey, by, silent);
    }

    public KeyedWrite by(String userId) {
        return new KeyedWrite(room, space, key, op, value, delta, condition, ttlMillis, idempotencyKey, userId, silent);
    }

    /**
     * The same write, made without an event: the key changes (atomically, with the same conditions, quotas,
     * time to live and idempotency) but no {@code <space>.set} or {@code <space>.delete} is published, so the
     * room's subscribers neither see it nor pay for it. For keys only the server reads (a poll's ballots and
     * counters). The key's version becomes the seq of the room's last event: it still orders the key against
     * the room's events (a silent write made after an event has a version at least that event's seq, one made
     * before has a smaller one), but two silent writes with no event between them get the same version, so
     * compare-and-set tells silent writes apart only across events. An expired key the write finds is still
     * announced ({@code <space>.delete}, reason {@code expired}), and so is its own expiry later.
     */
    public KeyedWrite silently() {
        return new KeyedWrite(room, space, key, op, value, delta, condition, ttlMillis, idempotencyKey, by, true);
    }

    /** The event type of a change to a key of this space: {@code <space>.set}. */
    public String setEventType() {
        return space + ".set";
    }

    /** The event type of a key's removal (deleted or expired): {@code <space>.delete}. */
    public String deleteEventType() {
        return space + ".delete";
    }
}
