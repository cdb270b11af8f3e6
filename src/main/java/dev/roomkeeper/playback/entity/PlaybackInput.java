package dev.roomkeeper.playback.entity;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads and checks the fields of playback requests (frames and REST bodies alike), adding one {@link FieldError}
 * per invalid field so a client learns every mistake at once. Each reader answers null for an absent field (or
 * JSON null) and for an invalid one (after adding its error).
 */
public final class PlaybackInput {

    public static final int MAX_URL_LENGTH = 2048;
    public static final int MAX_TITLE_LENGTH = 200;
    public static final String EVENT_ID_RULE = "must be 1 to 64 characters of A-Z a-z 0-9 _ . : -";
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final BigDecimal MAX_POSITION = BigDecimal.valueOf(Timeline.MAX_POSITION_MS);

    private PlaybackInput() {
    }

    /** A position in ms: a finite number from 0 to 30 days; a fraction of a ms is rounded. */
    public static Long position(JsonObject body, String field, List<FieldError> errors) {
        JsonValue value = body.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number) || number.bigDecimalValue().signum() < 0
                || number.bigDecimalValue().compareTo(MAX_POSITION) > 0) {
            errors.add(new FieldError(field, "must be a number of ms from 0 to " + Timeline.MAX_POSITION_MS));
            return null;
        }
        return Math.round(number.bigDecimalValue().doubleValue());
    }

    /** A playback rate from 0.25 to 4. */
    public static Double rate(JsonObject body, String field, List<FieldError> errors) {
        JsonValue value = body.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number)) {
            errors.add(new FieldError(field, rateRule()));
            return null;
        }
        BigDecimal exact = number.bigDecimalValue();
        if (exact.compareTo(BigDecimal.valueOf(Timeline.MIN_RATE)) < 0 || exact.compareTo(BigDecimal.valueOf(Timeline.MAX_RATE)) > 0) {
            errors.add(new FieldError(field, rateRule()));
            return null;
        }
        return exact.doubleValue();
    }

    private static String rateRule() {
        return "must be a number from " + Timeline.MIN_RATE + " to " + Timeline.MAX_RATE;
    }

    /** An absolute http or https URL with a host, at most 2,048 characters, without spaces or control characters. */
    public static String url(JsonObject body, String field, List<FieldError> errors) {
        String text = string(body, field, MAX_URL_LENGTH, errors);
        if (text == null) {
            return null;
        }
        String rule = "must be an http or https URL with a host, at most " + MAX_URL_LENGTH + " characters";
        if (text.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            errors.add(new FieldError(field, rule));
            return null;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && !uri.getHost().isEmpty()) {
                return text;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        errors.add(new FieldError(field, rule));
        return null;
    }

    /** A title: 1 to 200 characters after stripping, no control characters. */
    public static String title(JsonObject body, String field, List<FieldError> errors) {
        String text = string(body, field, MAX_TITLE_LENGTH * 2, errors);
        if (text == null) {
            return null;
        }
        String stripped = text.strip();
        if (stripped.isEmpty() || stripped.length() > MAX_TITLE_LENGTH || stripped.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must be 1 to " + MAX_TITLE_LENGTH + " characters without control characters"));
            return null;
        }
        return stripped;
    }

    /** A client's event id: 1 to 64 characters of {@code A-Z a-z 0-9 _ . : -}. */
    public static String eventId(JsonObject body, String field, List<FieldError> errors) {
        String text = string(body, field, 64, errors);
        if (text != null && !EVENT_ID.matcher(text).matches()) {
            errors.add(new FieldError(field, EVENT_ID_RULE));
            return null;
        }
        return text;
    }

    public static boolean validEventId(String text) {
        return text != null && EVENT_ID.matcher(text).matches();
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Integer whole(JsonObject body, String field, int min, int max, List<FieldError> errors) {
        JsonValue value = body.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonNumber number) {
            BigDecimal exact = number.bigDecimalValue();
            if (exact.stripTrailingZeros().scale() <= 0 && exact.compareTo(BigDecimal.valueOf(min)) >= 0
                    && exact.compareTo(BigDecimal.valueOf(max)) <= 0) {
                return exact.intValueExact();
            }
        }
        errors.add(new FieldError(field, "must be a whole number from " + min + " to " + max));
        return null;
    }

    public static Boolean bool(JsonObject body, String field, List<FieldError> errors) {
        JsonValue value = body.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
            return value == JsonValue.TRUE;
        }
        errors.add(new FieldError(field, "must be true or false"));
        return null;
    }

    public static String string(JsonObject body, String field, int maxLength, List<FieldError> errors) {
        JsonValue value = body.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString string) || string.getString().length() > maxLength) {
            errors.add(new FieldError(field, "must be a string of at most " + maxLength + " characters"));
            return null;
        }
        return string.getString();
    }

    public static void require(Object value, JsonObject body, String field, String rule, List<FieldError> errors) {
        if (value == null && (body.get(field) == null || body.get(field) == JsonValue.NULL)) {
            errors.add(new FieldError(field, "is required: " + rule));
        }
    }
}
