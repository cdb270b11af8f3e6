package dev.roomkeeper.presence.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.auth.entity.Role;
import jakarta.json.Json;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns what a client sends as session metadata into what peers see: known fields only, types checked,
 * lengths and size capped, URLs http(s) only, the role taken from membership (never from the client),
 * and observers never speaking or recording. Unknown fields are dropped; wrong types are refused.
 */
public final class PresenceMetadata {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();


    public static final int MAX_DISPLAY_NAME = 64;
    public static final int MAX_AVATAR_URL = 512;
    public static final int MAX_CUSTOM_BYTES = 1024;
    public static final int MAX_TOTAL_BYTES = 2048;

    private PresenceMetadata() {
    }

    /**
     * @param requested the client's {@code meta} object, or null
     * @param caller    supplies the default display name and avatar
     * @param role      the member's role in the room
     * @return the sanitised metadata as JSON text, fields in a fixed order
     * @throws ProblemException 400 listing the invalid fields, or 403 when an observer claims to speak or record
     */
    public static String sanitize(JsonObject requested, Caller caller, Role role) {
        List<FieldError> errors = new ArrayList<>();
        Fields fields = read(requested, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        String displayName = fields.displayName();
        if (displayName == null) {
            displayName = clean(caller.name());
            if (displayName.length() > MAX_DISPLAY_NAME) {
                displayName = displayName.substring(0, MAX_DISPLAY_NAME);
            }
        }
        String avatar = fields.avatarUrl();
        if (avatar == null && caller.avatar() != null && httpUrl(caller.avatar()) && caller.avatar().length() <= MAX_AVATAR_URL) {
            avatar = caller.avatar();
        }
        boolean speaking = fields.speaking();
        boolean recording = fields.recording();
        JsonObject custom = fields.custom();
        if (role == Role.OBSERVER && (speaking || recording)) {
            throw ProblemException.forbidden("Observers cannot set isSpeaking or isRecording.");
        }
        JsonObjectBuilder out = JSON.createObjectBuilder()
                .add("displayName", displayName)
                .add("role", role.wireName());
        if (avatar != null) {
            out.add("avatarUrl", avatar);
        }
        out.add("isSpeaking", speaking).add("isRecording", recording);
        if (custom != null) {
            out.add("custom", custom);
        }
        String json = out.build().toString();
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_TOTAL_BYTES) {
            throw ProblemException.invalid(List.of(new FieldError("meta", "must be at most " + MAX_TOTAL_BYTES + " bytes")));
        }
        return json;
    }

    /**
     * What is wrong with a client's {@code meta}, one entry per field ({@code meta.<field>}); empty when its fields are
     * well formed. Needs neither caller nor role, so a request can list these with its other invalid fields before
     * anything is looked up.
     */
    public static List<FieldError> fieldErrors(JsonObject requested) {
        List<FieldError> errors = new ArrayList<>();
        read(requested, errors);
        return errors;
    }

    /** The fields a client sent, as given (null or false when absent); invalid ones are added to {@code errors}. */
    private record Fields(String displayName, String avatarUrl, boolean speaking, boolean recording, JsonObject custom) {
    }

    private static Fields read(JsonObject requested, List<FieldError> errors) {
        JsonObject meta = requested == null ? JsonValue.EMPTY_JSON_OBJECT : requested;
        String displayName = string(meta, "displayName", MAX_DISPLAY_NAME, errors);
        String avatar = string(meta, "avatarUrl", MAX_AVATAR_URL, errors);
        if (avatar != null && !httpUrl(avatar)) {
            errors.add(new FieldError("meta.avatarUrl", "must be an http or https URL"));
            avatar = null;
        }
        boolean speaking = bool(meta, "isSpeaking", errors);
        boolean recording = bool(meta, "isRecording", errors);
        JsonObject custom = null;
        JsonValue customValue = meta.get("custom");
        if (customValue != null && customValue != JsonValue.NULL) {
            if (customValue.getValueType() != JsonValue.ValueType.OBJECT) {
                errors.add(new FieldError("meta.custom", "must be a JSON object"));
            } else if (customValue.toString().getBytes(StandardCharsets.UTF_8).length > MAX_CUSTOM_BYTES) {
                errors.add(new FieldError("meta.custom", "must be at most " + MAX_CUSTOM_BYTES + " bytes of JSON"));
            } else {
                custom = customValue.asJsonObject();
            }
        }
        return new Fields(displayName, avatar, speaking, recording, custom);
    }

    /** The same metadata with another role; an observer's speaking and recording flags are cleared. */
    public static String withRole(String metaJson, Role role) {
        JsonObject meta;
        try (JsonReader reader = JSON.createReader(new java.io.StringReader(metaJson))) {
            meta = reader.readObject();
        }
        JsonObjectBuilder out = JSON.createObjectBuilder(meta).add("role", role.wireName());
        if (role == Role.OBSERVER) {
            out.add("isSpeaking", false).add("isRecording", false);
        }
        return out.build().toString();
    }

    private static String string(JsonObject meta, String field, int max, List<FieldError> errors) {
        JsonValue value = meta.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString s)) {
            errors.add(new FieldError("meta." + field, "must be a string"));
            return null;
        }
        String cleaned = clean(s.getString());
        if (cleaned.isEmpty()) {
            return null;
        }
        if (cleaned.length() > max) {
            errors.add(new FieldError("meta." + field, "must be at most " + max + " characters"));
            return null;
        }
        return cleaned;
    }

    private static boolean bool(JsonObject meta, String field, List<FieldError> errors) {
        JsonValue value = meta.get(field);
        if (value == null || value == JsonValue.NULL) {
            return false;
        }
        if (value == JsonValue.TRUE) {
            return true;
        }
        if (value == JsonValue.FALSE) {
            return false;
        }
        errors.add(new FieldError("meta." + field, "must be true or false"));
        return false;
    }

    /** Trims and drops control characters (a name never breaks a layout or a log line). */
    static String clean(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().filter(c -> !Character.isISOControl(c)).forEach(out::appendCodePoint);
        return out.toString().strip();
    }

    static boolean httpUrl(String value) {
        try {
            URI uri = URI.create(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
