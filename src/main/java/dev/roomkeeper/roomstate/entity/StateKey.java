package dev.roomkeeper.roomstate.entity;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A key of a room's state, valid by construction: 1 to {@value #MAX_LENGTH} characters of
 * {@code A-Z a-z 0-9 _ . : / @ -}. Its first segment (up to the first {@code /}) names its namespace, which
 * decides who may write it ({@code src/docs/roomstate.md}):
 * <ul>
 *     <li>{@code user/<userId>} and {@code user/<userId>/...}: that user's own keys;</li>
 *     <li>{@code ui/pinned}, {@code ui/spotlight}, {@code ui/announcement}: the hosts' UI state, with checked
 *     values (other {@code ui/} keys do not exist);</li>
 *     <li>{@code room/kept}: the namespaces that survive the room being vacated (hosts only; other {@code room/}
 *     keys do not exist);</li>
 *     <li>{@code watch/}, {@code viewers/}, {@code polls/}: written by the server's features of those names only;</li>
 *     <li>anything else: shared keys.</li>
 * </ul>
 *
 * @param name the key
 */
public record StateKey(String name) {

    public static final int MAX_LENGTH = 128;
    public static final String RULE = "must be 1 to " + MAX_LENGTH + " characters of A-Z a-z 0-9 _ . : / @ -";
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_.:/@-]{1," + MAX_LENGTH + "}");

    public static final String PINNED = "ui/pinned";
    public static final String SPOTLIGHT = "ui/spotlight";
    public static final String ANNOUNCEMENT = "ui/announcement";
    public static final String KEPT = "room/kept";
    /** First segments of keys that only a server feature writes (watch time, viewer counts, polls). */
    public static final Set<String> FEATURE_NAMESPACES = Set.of("watch", "viewers", "polls");

    public enum Namespace {
        /** any member who may publish */
        SHARED,
        /** {@code user/<userId>/...}: that user */
        USER,
        /** {@code ui/...}: hosts */
        UI,
        /** {@code room/...}: hosts */
        ROOM,
        /** a server feature's: no client */
        FEATURE
    }

    public StateKey {
        if (!valid(name)) {
            throw new IllegalArgumentException("a key " + RULE);
        }
    }

    /** True when {@code name} is a key's valid name. */
    public static boolean valid(String name) {
        return name != null && SHAPE.matcher(name).matches();
    }

    /** True when {@code prefix} may select keys: empty, or made of a key's characters and not longer than one. */
    public static boolean validPrefix(String prefix) {
        return prefix != null && (prefix.isEmpty() || valid(prefix));
    }

    public Namespace namespace() {
        String first = firstSegment();
        return switch (first) {
            case "user" -> Namespace.USER;
            case "ui" -> Namespace.UI;
            case "room" -> Namespace.ROOM;
            default -> FEATURE_NAMESPACES.contains(first) ? Namespace.FEATURE : Namespace.SHARED;
        };
    }

    /**
     * For {@code user/<userId>} or {@code user/<userId>/...}: the user id; empty for any other key, and for a key of
     * the user namespace that names no user ({@code user/}, {@code user//x}), which only admins may write.
     */
    public Optional<String> owner() {
        if (!name.startsWith("user/") || name.length() == 5) {
            return Optional.empty();
        }
        int end = name.indexOf('/', 5);
        String owner = end < 0 ? name.substring(5) : name.substring(5, end);
        return owner.isEmpty() ? Optional.empty() : Optional.of(owner);
    }

    private String firstSegment() {
        int slash = name.indexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }
}
