package dev.roomkeeper.rooms.entity;

/** The rules for a room's kind: free text naming what the room is for, such as {@code huddle}. */
public final class Kind {

    public static final String DEFAULT = "huddle";
    public static final int MAX_LENGTH = 32;
    public static final String PATTERN = "^[a-z0-9_-]{1,32}$";
    public static final String RULE = "must be 1 to 32 lower-case letters, digits, dashes or underscores";

    private Kind() {
    }

    public static boolean isValid(String kind) {
        return kind != null && kind.matches(PATTERN);
    }

    /** The given kind, or {@value #DEFAULT} when none was given. */
    public static String orDefault(String kind) {
        return kind == null ? DEFAULT : kind;
    }
}
