package dev.roomkeeper.watch.entity;

import dev.roomkeeper.platform.entity.Problem.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A watch heartbeat over REST (the room is in the path). Validated by {@link #fieldErrors()}.
 *
 * @param sessionId the tab's id: 8 to 64 characters of A-Z a-z 0-9 _ - (a presence session id serves)
 * @param visible   whether the tab is visible (required)
 * @param playing   whether the player plays; {@code false} counts as not watching; absent: not said
 */
public record WatchHeartbeatRequest(String sessionId, Boolean visible, Boolean playing) {

    public static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    public static final String SESSION_ID_RULE = "must be 8 to 64 characters of A-Z a-z 0-9 _ -";

    public List<FieldError> fieldErrors() {
        List<FieldError> errors = new ArrayList<>();
        if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
            errors.add(new FieldError("sessionId", SESSION_ID_RULE));
        }
        if (visible == null) {
            errors.add(new FieldError("visible", "is required: true when the tab is visible"));
        }
        return errors;
    }

    /** The tab accrues: visible, and not said to be paused. */
    public boolean watching() {
        return Boolean.TRUE.equals(visible) && !Boolean.FALSE.equals(playing);
    }
}
