package dev.roomkeeper.keyed.entity;

import dev.roomkeeper.stream.entity.RoomEvent;

import java.util.List;
import java.util.Objects;

/**
 * What clearing a space of a room did ({@code KeyedStateStore.clear}).
 *
 * @param room    the room's id
 * @param space   the space
 * @param removed how many keys were removed (expired ones not announced yet included)
 * @param events  the one {@code <space>.cleared} event published atomically with the removal; empty when there
 *                was nothing to remove (then nothing changed and nothing was published)
 */
public record KeyedCleared(String room, String space, int removed, List<RoomEvent> events) {

    public KeyedCleared {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(space, "space");
        events = List.copyOf(events);
    }

    private static final java.util.regex.Pattern REASON = java.util.regex.Pattern.compile("[a-z0-9-]{1,32}");

    /**
     * Refuses what a clear cannot take, before anything changes: a reason that is not 1 to 32 characters of
     * a-z 0-9 -, an empty or missing prefix, or one with a newline.
     */
    public static void check(List<String> keep, String reason) {
        if (reason == null || !REASON.matcher(reason).matches()) {
            throw new IllegalArgumentException("a reason is 1 to 32 characters of a-z 0-9 -");
        }
        Objects.requireNonNull(keep, "keep");
        for (String prefix : keep) {
            if (prefix == null || prefix.isEmpty() || prefix.indexOf('\n') >= 0 || prefix.length() > KeyedWrite.MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("a kept prefix is 1 to " + KeyedWrite.MAX_KEY_LENGTH
                        + " characters without a newline");
            }
        }
    }

    /** True when {@code key} starts with one of {@code keep}. */
    public static boolean kept(String key, List<String> keep) {
        for (String prefix : keep) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
