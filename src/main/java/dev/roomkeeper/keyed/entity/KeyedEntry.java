package dev.roomkeeper.keyed.entity;

import java.util.Objects;

/**
 * One key of a room's keyed state.
 *
 * @param key       the key, unique within its space
 * @param value     the value: JSON text, kept and sent as given
 * @param version   the seq of the room event that last set the key: it only grows, and is never given to
 *                  another write of the room's stream, so a compare-and-set on it cannot be fooled by a key
 *                  deleted and written again (no ABA)
 * @param expiresAt when the key disappears unless written again (epoch ms); 0 when it does not expire
 */
public record KeyedEntry(String key, String value, long version, long expiresAt) {

    public KeyedEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** True when the key has a time to live that ran out at {@code now}. */
    public boolean expiredAt(long now) {
        return expiresAt > 0 && expiresAt <= now;
    }
}
