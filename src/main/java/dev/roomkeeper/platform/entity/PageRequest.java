package dev.roomkeeper.platform.entity;


import java.util.List;
import java.util.OptionalLong;

/**
 * Which page of a list to answer with.
 *
 * @param offset how many items to skip, 0 or more
 * @param limit  the most items to answer with, 1 to {@value #MAX_LIMIT}
 */
public record PageRequest(int offset, int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public PageRequest {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be 0 or more");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        }
    }

    public static PageRequest first() {
        return new PageRequest(0, DEFAULT_LIMIT);
    }

    /**
     * Reads {@code offset} and {@code limit} query parameters as sent, absent or blank meaning the
     * default. Each invalid one is added to {@code errors} and replaced by its default.
     */
    public static PageRequest parse(String offset, String limit, List<Problem.FieldError> errors) {
        int parsedOffset = parseInt(offset, 0, 0, Integer.MAX_VALUE, "offset",
                "must be a whole number, 0 or more", errors);
        int parsedLimit = parseInt(limit, DEFAULT_LIMIT, 1, MAX_LIMIT, "limit",
                "must be a whole number from 1 to " + MAX_LIMIT, errors);
        return new PageRequest(parsedOffset, parsedLimit);
    }

    private static int parseInt(String value, int fallback, int min, int max, String field, String rule,
                                List<Problem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        OptionalLong parsed = WholeNumber.parse(value, min, max); // exactly: no sign, no spaces, ASCII digits only
        if (parsed.isPresent()) {
            return (int) parsed.getAsLong();
        }
        errors.add(new Problem.FieldError(field, rule));
        return fallback;
    }
}
