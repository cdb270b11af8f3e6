package dev.roomkeeper.transport.entity;

import dev.roomkeeper.platform.entity.WholeNumber;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A frame a client sent, decoded: its {@code type}, its optional {@code id} (echoed in the reply) and the whole
 * object, with readers for its fields that refuse a missing or mistyped field with a {@link FrameException}
 * ({@code invalid-frame}).
 *
 * @param type the frame's type, such as {@code subscribe} or {@code presence.join}
 * @param id   the client's id for the command, or null
 * @param body the frame as sent
 */
public record ClientFrame(String type, String id, JsonObject body) {

    public ClientFrame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(body, "body");
    }

    public String requiredString(String field, int maxLength) {
        String value = optionalString(field, maxLength);
        if (value == null || value.isBlank()) {
            throw new FrameException("\"" + field + "\" is required.");
        }
        return value;
    }

    public String optionalString(String field, int maxLength) {
        return optionalString(body, field, maxLength);
    }

    /** A field that is a seq: a whole number from 0 up. */
    public Long optionalSeq(String field) {
        return optionalLong(field, 0, Long.MAX_VALUE);
    }

    /**
     * A field that is a whole number from {@code min} to {@code max}, read exactly ({@link WholeNumber}): 2^64+3 is
     * refused, never read as 3; {@code 1e4} and {@code 10000.0} are 10000.
     */
    public Long optionalLong(String field, long min, long max) {
        JsonValue value = body.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        OptionalLong exact = value instanceof JsonNumber number ? WholeNumber.of(number, min, max) : OptionalLong.empty();
        if (exact.isEmpty()) {
            throw new FrameException("\"" + field + "\" must be an integer from " + min + " to " + max + ".");
        }
        return exact.getAsLong();
    }

    public JsonObject optionalObject(String field) {
        JsonValue value = body.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new FrameException("\"" + field + "\" must be a JSON object.");
        }
        return value.asJsonObject();
    }

    public JsonObject requiredObject(String field) {
        JsonObject value = optionalObject(field);
        if (value == null) {
            throw new FrameException("\"" + field + "\" must be a JSON object.");
        }
        return value;
    }

    /** A field as sent, or null when absent. */
    public JsonValue get(String field) {
        return body.get(field);
    }

    /** Reads a string field of any object (the frame's {@code type} and {@code id} are read so before decoding). */
    public static String optionalString(JsonObject object, String field, int maxLength) {
        JsonValue value = object.get(field);
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
}
