package dev.roomkeeper.rooms.entity;

import dev.roomkeeper.platform.entity.PlainText;
import dev.roomkeeper.platform.entity.Problem;

import java.util.ArrayList;
import java.util.List;

/**
 * Closes a room; the whole body is optional.
 * <p>
 * Validation is explicit because Payara's OpenAPI generator fails on constraint annotations on record components.
 *
 * @param reason why, shown to the people in the room; at most 200 characters
 */
public record CloseRoomRequest(String reason) {

    /** What is wrong with this request, one entry per field; empty when the room may be closed with it. */
    public List<Problem.FieldError> fieldErrors() {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (reason != null && reason.length() > Room.MAX_CLOSE_REASON_LENGTH) {
            errors.add(new Problem.FieldError("reason", "size must be between 0 and " + Room.MAX_CLOSE_REASON_LENGTH));
        } else if (reason != null && !PlainText.isPlain(reason)) {
            errors.add(new Problem.FieldError("reason", PlainText.RULE));
        }
        return errors;
    }
}
