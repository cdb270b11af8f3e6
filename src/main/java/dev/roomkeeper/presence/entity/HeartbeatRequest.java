package dev.roomkeeper.presence.entity;

import dev.roomkeeper.platform.entity.PlainText;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import jakarta.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP heartbeat. Validated by {@link #fieldErrors()} rather than Bean Validation annotations, which
 * Payara's OpenAPI generator cannot read on record components.
 *
 * @param room      the room's id or slug
 * @param sessionId the tab's session id: 8 to 64 characters of A-Z a-z 0-9 _ -
 * @param interval  the heartbeat interval asked for, in ms (the server clamps it)
 * @param meta      the session's metadata (see the protocol doc), or null to keep a live session's metadata
 */
public record HeartbeatRequest(String room, String sessionId, Long interval, JsonObject meta) {

    /** What is wrong with its room, session id and interval, one entry per field ({@code meta} is judged by its own rules). */
    public List<FieldError> fieldErrors() {
        List<FieldError> errors = new ArrayList<>();
        if (room == null || room.isBlank() || room.length() > 128 || !PlainText.isPlain(room)) {
            errors.add(new FieldError("room", "must be a room id or slug of 1 to 128 characters"));
        }
        if (sessionId == null || !sessionId.matches("[A-Za-z0-9_-]{8,64}")) {
            errors.add(new FieldError("sessionId", "must be 8 to 64 characters of A-Z a-z 0-9 _ -"));
        }
        if (interval != null && (interval < 1 || interval > 3_600_000)) {
            errors.add(new FieldError("interval", "must be between 1 and 3600000 ms"));
        }
        return errors;
    }
}
