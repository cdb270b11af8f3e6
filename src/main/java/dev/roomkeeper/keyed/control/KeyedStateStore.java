package dev.roomkeeper.keyed.control;

import dev.roomkeeper.keyed.entity.KeyedCleared;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;

import java.util.List;
import java.util.Optional;

/**
 * Keyed room state next to the room's stream (the port; each engine implements it beside its stream, and one
 * contract suite runs on both, and on two nodes on Redis). A room holds keys in named spaces (one per feature:
 * {@code state}, {@code playback}, {@code participants}, ...), each key a JSON value with a version.
 * <p>
 * Every change is one atomic step with the room event announcing it, on every engine: on Redis one Lua script
 * that changes the keys and issues exactly one {@code PUBLISH} per event; in process under the room's lock.
 * So the events of a space, applied in seq order to a snapshot taken at a seq, always give the space as it is,
 * on every node.
 * <ul>
 *     <li><b>Versions</b> are the seq of the event that last changed the key: strictly increasing per key and
 *     never reused in a stream, so compare-and-set cannot be fooled by a delete and re-create.</li>
 *     <li><b>Conditions</b>: unconditional (last write wins), if absent, if present, if version.</li>
 *     <li><b>Increment</b> is atomic, on integer values (exact up to 2^53).</li>
 *     <li><b>Time to live</b> per key: an expired key reads as absent at once, and its removal is announced once
 *     ({@code <space>.delete} with reason {@code expired}): by {@link #expire}, run by every node's sweep, or by
 *     the next write of the key, whichever comes first.</li>
 *     <li><b>Quotas</b> per space and room ({@link KeyedLimits}) are checked atomically with the write, so nodes
 *     writing at once cannot overshoot them. A write that does not grow a space is never refused for size.</li>
 *     <li><b>Idempotency</b>: a write carrying an idempotency key is done once; a retry within five minutes
 *     changes nothing and answers {@code DUPLICATE} with the first write's seq.</li>
 *     <li><b>Epoch</b>: the space lives as long as the stream's epoch; when the engine loses its data (Redis
 *     restarted empty) the stream starts a new epoch, and a client that sees it takes a new snapshot.</li>
 * </ul>
 * Keys stay until deleted, expired or released with their room: they do not expire with an idle stream.
 */
public interface KeyedStateStore {

    /**
     * Applies a write when its condition holds and the space's limits allow it, publishing its events.
     *
     * @throws IllegalArgumentException for a room id with a newline
     */
    KeyedResult apply(KeyedWrite write, KeyedLimits limits);

    /** A key as it is now; empty when absent or expired. */
    Optional<KeyedEntry> get(String room, String space, String key);

    /**
     * The space's live keys whose name starts with {@code prefix} ({@code ""} for all), valid at the returned
     * seq of the room's stream.
     */
    KeyedSnapshot snapshot(String room, String space, String prefix);

    /**
     * Removes up to {@code max} keys, in any rooms and spaces, whose time to live ran out before {@code now},
     * announcing each. Safe when several nodes call it at once: each expiry is announced exactly once.
     */
    List<KeyedResult> expire(long now, int max);

    /**
     * Removes every key of a space of a room except those whose name starts with one of {@code keep}, and
     * announces it with exactly one event, {@code <space>.cleared {"reason":R,"kept":[...]}}, in the same atomic
     * step (Redis: one script, one {@code PUBLISH}; in process: under the room's lock). A client applies it by
     * dropping every key not under a kept prefix. When no key is to be removed, nothing changes and nothing is
     * published. Expired keys not announced yet are removed with the rest, without an event of their own.
     *
     * @param keep   key prefixes whose keys stay (each non-empty; may be empty: clear everything)
     * @param reason why, carried in the event: 1 to 32 characters of a-z 0-9 -
     * @throws IllegalArgumentException for a room id with a newline, an empty prefix or a bad reason
     */
    KeyedCleared clear(String room, String space, List<String> keep, String reason);

    /** Drops a space of a room without announcing anything: for closed rooms, whose stream is released too. */
    void release(String room, String space);
}
