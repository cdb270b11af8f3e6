package dev.roomkeeper.rooms.entity;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules for room slugs: the human-readable name that a {@code {room}} path parameter accepts in
 * place of the room's id. A slug never has the form of an id, so the two cannot be confused.
 */
public final class Slug {

    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 64;

    /** Lower-case letters, digits and inner dashes; not shaped like a UUID. Length is checked apart. */
    public static final String PATTERN =
            "^(?![0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$";

    public static final String RULE = "must be 3 to 64 lower-case letters, digits or dashes, start and end with "
            + "a letter or digit, and not have the form of a room id";

    /** Room for a collision suffix such as {@code -123456} on a slug made from a title. */
    static final int MAX_BASE_LENGTH = MAX_LENGTH - 7;

    private static final Pattern VALID = Pattern.compile(PATTERN);
    private static final Pattern ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_ALLOWED = Pattern.compile("[^a-z0-9]+");
    private static final String FALLBACK = "room";
    /** Latin letters that do not decompose into a base letter and a mark. */
    private static final String[][] LETTERS = {
            {"ß", "ss"}, {"æ", "ae"}, {"œ", "oe"}, {"ø", "o"}, {"ł", "l"}, {"đ", "d"}, {"ð", "d"}, {"þ", "th"}};

    private Slug() {
    }

    public static boolean isValid(String slug) {
        return slug != null && slug.length() >= MIN_LENGTH && slug.length() <= MAX_LENGTH
                && VALID.matcher(slug).matches();
    }

    /** True when {@code ref} has the form of a room id (a lower-case UUID). */
    public static boolean looksLikeId(String ref) {
        return ref != null && ID.matcher(ref).matches();
    }

    /**
     * A valid slug made from a title: accents dropped, lower case, every run of other characters
     * turned into one dash, at most {@value #MAX_BASE_LENGTH} characters so a suffix still fits.
     */
    public static String fromTitle(String title) {
        String text = title == null ? "" : Normalizer.normalize(title, Normalizer.Form.NFKD);
        text = MARKS.matcher(text).replaceAll("").toLowerCase(Locale.ROOT);
        for (String[] letter : LETTERS) {
            text = text.replace(letter[0], letter[1]);
        }
        text = trimDashes(NOT_ALLOWED.matcher(text).replaceAll("-"));
        if (text.length() > MAX_BASE_LENGTH) {
            text = trimDashes(text.substring(0, MAX_BASE_LENGTH));
        }
        if (text.isEmpty()) {
            return FALLBACK;
        }
        if (text.length() < MIN_LENGTH || looksLikeId(text)) {
            return text + "-" + FALLBACK;
        }
        return text;
    }

    /**
     * The {@code n}th candidate for a slug: the base itself for 1, then {@code base-2}, {@code base-3},
     * and so on, shortening the base when needed to stay within {@value #MAX_LENGTH} characters.
     */
    public static String candidate(String base, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("candidates count from 1");
        }
        if (n == 1) {
            return base;
        }
        String suffix = "-" + n;
        String head = base.length() + suffix.length() > MAX_LENGTH
                ? trimDashes(base.substring(0, MAX_LENGTH - suffix.length()))
                : base;
        return head + suffix;
    }

    private static String trimDashes(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '-') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '-') {
            end--;
        }
        return text.substring(start, end);
    }
}
