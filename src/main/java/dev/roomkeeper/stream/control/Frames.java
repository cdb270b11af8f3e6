package dev.roomkeeper.stream.control;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** Reading fields of client frames, with the protocol's error for a missing or mistyped field. */
public final class Frames {

    private Frames() {
    }

    public static String requiredString(JsonObject frame, String field, int maxLength) {
        String value = optionalString(frame, field, maxLength);
        if (value == null || value.isBlank()) {
            throw new FrameException("\"" + field + "\" is required.");
        }
        return value;
    }

    public static String optionalString(JsonObject frame, String field, int maxLength) {
        JsonValue value = frame.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw new FrameException("\"" + field + "\" must be a string.");
        }
        if (string.getString().length() > maxLength) {
            throw new FrameException("\"" + field + "\" must be at most " + maxLength + " characters.");
        }
        return string.getString();
    }

    public static Long optionalSeq(JsonObject frame, String field) {
        return optionalLong(frame, field, 0, Long.MAX_VALUE);
    }

    public static Long optionalLong(JsonObject frame, String field, long min, long max) {
        JsonValue value = frame.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral() || number.longValue() < min
                || number.longValue() > max) {
            throw new FrameException("\"" + field + "\" must be an integer from " + min + " to " + max + ".");
        }
        return number.longValue();
    }

    public static JsonObject optionalObject(JsonObject frame, String field) {
        JsonValue value = frame.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new FrameException("\"" + field + "\" must be a JSON object.");
        }
        return value.asJsonObject();
    }

    /** A frame with a missing or mistyped field: answered with an {@code invalid-frame} error. */
    public static final class FrameException extends RuntimeException {
        public FrameException(String message) {
            super(message, null, false, false);
        }
    }
}
