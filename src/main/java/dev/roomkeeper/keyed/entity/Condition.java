package dev.roomkeeper.keyed.entity;

/**
 * When a write applies.
 *
 * @param kind    what is required of the key
 * @param value   for {@link Kind#IF_UNCHANGED}: the value the key must hold now; else null
 * @param version for {@link Kind#IF_VERSION}: the version the key must have now (0 only for a key written
 *                silently before its room had any event); else 0
 */
public record Condition(Kind kind, long version, String value) {

    private static final Condition ALWAYS = new Condition(Kind.ALWAYS, 0, null);
    private static final Condition IF_ABSENT = new Condition(Kind.IF_ABSENT, 0, null);
    private static final Condition IF_PRESENT = new Condition(Kind.IF_PRESENT, 0, null);

    public enum Kind {
        /** unconditional: the last write wins */
        ALWAYS,
        /** only when the key does not exist (set-if-new) */
        IF_ABSENT,
        /** only when the key exists */
        IF_PRESENT,
        /** only when the key exists with exactly this version (compare-and-set) */
        IF_VERSION,
        /**
         * only when the key exists with exactly this version and this value: compare-and-set for keys written
         * silently, whose versions repeat between events ({@link KeyedWrite#silently()}); the writer makes each
         * value it writes unique
         */
        IF_UNCHANGED
    }

    public Condition {
        if (kind == null) {
            throw new IllegalArgumentException("kind is required");
        }
        boolean versioned = kind == Kind.IF_VERSION || kind == Kind.IF_UNCHANGED;
        if (versioned ? version < 0 : version != 0) {
            throw new IllegalArgumentException("a version goes with IF_VERSION and IF_UNCHANGED only, and is not negative");
        }
        if ((kind == Kind.IF_UNCHANGED) != (value != null)) {
            throw new IllegalArgumentException("a value goes with IF_UNCHANGED, and only with it");
        }
    }

    public static Condition always() {
        return ALWAYS;
    }

    public static Condition ifAbsent() {
        return IF_ABSENT;
    }

    public static Condition ifPresent() {
        return IF_PRESENT;
    }

    public static Condition ifVersion(long version) {
        return new Condition(Kind.IF_VERSION, version, null);
    }

    /** Only when the key is exactly {@code read}: its version and its value (JSON text). */
    public static Condition ifUnchanged(KeyedEntry read) {
        return new Condition(Kind.IF_UNCHANGED, read.version(), read.value());
    }

    /** Whether a key that is {@code current} (null: absent) satisfies this condition. */
    public boolean holds(KeyedEntry current) {
        return switch (kind) {
            case ALWAYS -> true;
            case IF_ABSENT -> current == null;
            case IF_PRESENT -> current != null;
            case IF_VERSION -> current != null && current.version() == version;
            case IF_UNCHANGED -> current != null && current.version() == version && current.value().equals(value);
        };
    }
}
