package dev.roomkeeper.playback.entity;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import jakarta.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A host's request for a new stream: media URL (required), title (default "Untitled"), sync on or off (default
 * on), tolerance in ms (default from the settings, {@value #MIN_TOLERANCE_MS} to {@value #MAX_TOLERANCE_MS}) and
 * "wait for everyone" (default on), and an optional {@code eventId} that makes a retried create safe.
 */
public record StreamRequest(String mediaUrl, String title, boolean syncEnabled, int toleranceMs, boolean waitForAll,
                            String eventId) {

    public static final int MIN_TOLERANCE_MS = 50;
    public static final int MAX_TOLERANCE_MS = 10_000;

    public record Parsed(StreamRequest request, List<FieldError> errors) {
    }

    public static Parsed parse(JsonObject body, int defaultToleranceMs) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null) {
            return new Parsed(null, List.of(new FieldError("body", "must be a JSON object with at least mediaUrl")));
        }
        String url = PlaybackInput.url(body, "mediaUrl", errors);
        PlaybackInput.require(url, body, "mediaUrl", "an http or https URL", errors);
        String title = PlaybackInput.title(body, "title", errors);
        Boolean sync = PlaybackInput.bool(body, "syncEnabled", errors);
        Integer tolerance = PlaybackInput.whole(body, "toleranceMs", MIN_TOLERANCE_MS, MAX_TOLERANCE_MS, errors);
        Boolean wait = PlaybackInput.bool(body, "waitForAll", errors);
        String eventId = PlaybackInput.eventId(body, "eventId", errors);
        if (!errors.isEmpty()) {
            return new Parsed(null, List.copyOf(errors));
        }
        return new Parsed(new StreamRequest(url, title == null ? "Untitled" : title, sync == null || sync,
                tolerance == null ? defaultToleranceMs : tolerance, wait == null || wait, eventId), List.of());
    }
}
