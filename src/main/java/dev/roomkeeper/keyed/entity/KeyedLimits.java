package dev.roomkeeper.keyed.entity;

/**
 * What one space of one room may hold; the store enforces it atomically with each write, on every node.
 * A key's size is the UTF-8 length of its name plus that of its value.
 *
 * @param maxKeys       keys the space may hold
 * @param maxBytes      the sum of its keys' sizes
 * @param maxValueBytes one value's UTF-8 length
 */
public record KeyedLimits(int maxKeys, long maxBytes, int maxValueBytes) {

    /** No limit worth the name: for tests and for spaces whose writer bounds them itself. */
    public static final KeyedLimits NONE = new KeyedLimits(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);

    public KeyedLimits {
        if (maxKeys < 1 || maxBytes < 1 || maxValueBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
