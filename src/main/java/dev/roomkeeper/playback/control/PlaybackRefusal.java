package dev.roomkeeper.playback.control;

import dev.roomkeeper.platform.control.ProblemException;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

/**
 * A playback request refused as things are now, with what the client needs to act in its extension members: over
 * REST a problem+json, over WebSocket an error frame whose {@code code} is the type.
 */
public class PlaybackRefusal extends ProblemException {

    private static final JsonProvider JSON = JsonProvider.provider();

    PlaybackRefusal(int status, String type, String title, String detail, JsonObject extensions) {
        super(status, type, title, detail, extensions);
    }

    /** 403 {@code not-host}: the caller may watch but not control ({@code viewOnly: true}). */
    static PlaybackRefusal notHost(String stream) {
        return new PlaybackRefusal(403, "not-host", "View only",
                "Only the room's hosts (and the member control was handed to) may control playback.",
                JSON.createObjectBuilder().add("viewOnly", true).add("stream", stream == null ? "" : stream).build());
    }

    /** 429 {@code rate-limited}: more commands than the per-host rate; {@code retryAfterMs} says when one fits. */
    static PlaybackRefusal rateLimited(double perSecond, int burst, long retryAfterMs) {
        return new PlaybackRefusal(429, "rate-limited", "Too many commands",
                "At most " + (int) perSecond + " playback commands (or reports) a second, " + burst + " at once; this one was not applied.",
                JSON.createObjectBuilder().add("retryAfterMs", retryAfterMs).add("ratePerSecond", perSecond)
                        .add("burst", burst).build());
    }

    /** 404 {@code stream-not-found}. */
    public static PlaybackRefusal streamNotFound(String stream) {
        return new PlaybackRefusal(404, "stream-not-found", "No such stream",
                "The room has no playback stream " + stream + ".", JSON.createObjectBuilder().add("stream", stream).build());
    }

    /** 409 {@code too-many-streams}. */
    static PlaybackRefusal tooManyStreams(int max) {
        return new PlaybackRefusal(409, "too-many-streams", "Too many streams",
                "A room holds at most " + max + " playback streams.", JSON.createObjectBuilder().add("max", max).build());
    }

    /** 409 {@code busy}: other commands kept changing the timeline while this one was being applied; retry it. */
    static PlaybackRefusal busy(String stream) {
        return new PlaybackRefusal(409, "busy", "Timeline busy",
                "Other commands changed the stream while this one was applied; send it again with the same eventId.",
                JSON.createObjectBuilder().add("stream", stream).build());
    }

    /** 409 {@code sync-disabled}: a sync report for a stream whose sync is off. */
    static PlaybackRefusal syncDisabled(String stream) {
        return new PlaybackRefusal(409, "sync-disabled", "Sync is off",
                "The stream's sync is off: viewers play on their own.", JSON.createObjectBuilder().add("stream", stream).build());
    }
}
