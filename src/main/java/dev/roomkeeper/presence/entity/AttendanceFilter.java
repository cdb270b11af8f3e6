package dev.roomkeeper.presence.entity;

import dev.roomkeeper.platform.entity.Problem;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Narrows a room's attendance list; a null field does not narrow.
 *
 * @param userId only this user's records
 * @param from   only records that started at or after this instant
 * @param to     only records that started before this instant
 */
public record AttendanceFilter(String userId, Instant from, Instant to) {

    public static final AttendanceFilter ALL = new AttendanceFilter(null, null, null);

    static final String INSTANT_RULE = "must be an ISO-8601 instant such as 2025-03-01T10:00:00Z";

    /**
     * Reads the {@code userId}, {@code from} and {@code to} query parameters as sent, absent or blank
     * meaning "any". Each invalid one is added to {@code errors} and ignored.
     */
    public static AttendanceFilter parse(String userId, String from, String to, List<Problem.FieldError> errors) {
        String user = null;
        if (userId != null && !userId.isBlank()) {
            user = userId.strip();
            if (user.length() > AttendanceRecord.MAX_USER_ID_LENGTH) {
                errors.add(new Problem.FieldError("userId",
                        "must be at most " + AttendanceRecord.MAX_USER_ID_LENGTH + " characters"));
                user = null;
            }
        }
        Instant start = instant(from, "from", errors);
        Instant end = instant(to, "to", errors);
        if (start != null && end != null && !end.isAfter(start)) {
            errors.add(new Problem.FieldError("to", "must be after from"));
        }
        return new AttendanceFilter(user, start, end);
    }

    private static Instant instant(String value, String field, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(field, INSTANT_RULE));
            return null;
        }
    }
}
