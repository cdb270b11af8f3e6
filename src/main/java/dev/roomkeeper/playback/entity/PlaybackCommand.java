package dev.roomkeeper.playback.entity;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import jakarta.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A host's command to a stream: play or pause (at {@code positionMs}, or where the timeline is now), seek (to
 * {@code positionMs}), rate, or media (a new URL, paused at {@code positionMs} or 0). {@code eventId} is the
 * client's id for it: a retry with the same id is applied once.
 */
public record PlaybackCommand(CommandType type, Long positionMs, Double rate, String mediaUrl, String title,
                              String eventId) {

    public PlaybackCommand {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(eventId, "eventId");
        if (type == CommandType.SEEK && positionMs == null || type == CommandType.RATE && rate == null
                || type == CommandType.MEDIA && mediaUrl == null) {
            throw new IllegalArgumentException(type + " lacks its argument");
        }
    }

    /** A command and the invalid fields found reading it (the command is null when there are any). */
    public record Parsed(PlaybackCommand command, List<FieldError> errors) {
    }

    /** Reads a command of the given type from a frame or body: {@code eventId}, and what the type needs. */
    public static Parsed parse(CommandType type, JsonObject body) {
        List<FieldError> errors = new ArrayList<>();
        String eventId = PlaybackInput.eventId(body, "eventId", errors);
        PlaybackInput.require(eventId, body, "eventId", PlaybackInput.EVENT_ID_RULE, errors);
        Long position = PlaybackInput.position(body, "positionMs", errors);
        Double rate = type == CommandType.RATE ? PlaybackInput.rate(body, "rate", errors) : null;
        String url = type == CommandType.MEDIA ? PlaybackInput.url(body, "mediaUrl", errors) : null;
        String title = type == CommandType.MEDIA ? PlaybackInput.title(body, "title", errors) : null;
        switch (type) {
            case SEEK -> PlaybackInput.require(position, body, "positionMs", "the position to seek to, in ms", errors);
            case RATE -> PlaybackInput.require(rate, body, "rate", "the new rate, 0.25 to 4", errors);
            case MEDIA -> PlaybackInput.require(url, body, "mediaUrl", "an http or https URL", errors);
            default -> {
            }
        }
        if (!errors.isEmpty()) {
            return new Parsed(null, List.copyOf(errors));
        }
        return new Parsed(new PlaybackCommand(type, position, rate, url, title, eventId), List.of());
    }
}
