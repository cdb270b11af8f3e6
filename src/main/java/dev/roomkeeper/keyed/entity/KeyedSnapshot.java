package dev.roomkeeper.keyed.entity;

import java.util.List;

/**
 * A space of a room's keyed state, valid at {@code seq} of the room's stream: apply it, then the space's events
 * with a greater seq. A set is an upsert and a delete a removal, so an event whose effect the snapshot already
 * shows changes nothing.
 *
 * @param room    the room's id
 * @param space   the space
 * @param epoch   the stream's epoch: when it changes, the state was lost and must be read again
 * @param seq     the stream seq the snapshot is valid at
 * @param entries the live keys (those under the asked prefix), sorted by key
 * @param keys    how many keys the whole space holds
 * @param bytes   how many bytes the whole space holds (see {@link KeyedLimits})
 */
public record KeyedSnapshot(String room, String space, String epoch, long seq, List<KeyedEntry> entries, long keys,
                            long bytes) {

    public KeyedSnapshot {
        entries = List.copyOf(entries);
    }
}
