package dev.roomkeeper.playback.entity;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.Objects;

/**
 * The authoritative timeline of one playback stream, as the engine keeps it (key {@code stream/<id>} of the space
 * {@code playback}) and every {@code playback.set} event carries it: at server time {@code at} (epoch ms) the media
 * was at {@code positionMs} and advancing at {@code rate} when {@code playing}, so at server time {@code now} it is at
 * {@link #positionAt(long) positionMs + rate × (now − at)} (or {@code positionMs} while paused).
 *
 * @param stream      the stream's id
 * @param title       shown to viewers
 * @param media       the media URL (http or https)
 * @param positionMs  the position at {@code at}, in ms, 0 or more
 * @param rate        the playback rate, {@value #MIN_RATE} to {@value #MAX_RATE}
 * @param playing     whether the media advances
 * @param at          server time (epoch ms) the position holds at
 * @param syncEnabled whether viewers are kept in sync (drift corrections, buffering gate)
 * @param toleranceMs drift a viewer may have before it is corrected
 * @param waitForAll  whether a buffering viewer pauses the group ("wait for everyone")
 * @param by          the user whose command made this timeline (the host who last acted)
 * @param cause       what made it: {@code create} or a {@link CommandType}'s wire name, or {@code buffering},
 *                    {@code ready}, {@code idle}, {@code handoff}
 * @param eventId     the client eventId of the command that made it, or null
 * @param controller  the member who holds control besides the room's hosts after a handoff, or null
 */
public record Timeline(String stream, String title, String media, long positionMs, double rate, boolean playing,
                       long at, boolean syncEnabled, int toleranceMs, boolean waitForAll, String by, String cause,
                       String eventId, String controller) {

    public static final double MIN_RATE = 0.25;
    public static final double MAX_RATE = 4.0;
    /** 30 days: no media is longer, and positions stay far inside exact doubles on every client. */
    public static final long MAX_POSITION_MS = 30L * 24 * 3600 * 1000;

    private static final JsonProvider JSON = JsonProvider.provider();

    public Timeline {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(cause, "cause");
        if (positionMs < 0 || positionMs > MAX_POSITION_MS) {
            throw new IllegalArgumentException("a position is 0 to " + MAX_POSITION_MS + " ms");
        }
        if (!(rate >= MIN_RATE && rate <= MAX_RATE)) {
            throw new IllegalArgumentException("a rate is " + MIN_RATE + " to " + MAX_RATE);
        }
    }

    /** The position at server time {@code now}: advanced by {@code rate × (now − at)} while playing, never below 0. */
    public long positionAt(long now) {
        if (!playing) {
            return positionMs;
        }
        double advanced = positionMs + rate * (now - at);
        return Math.max(0, Math.min(MAX_POSITION_MS, Math.round(advanced)));
    }

    /** The timeline a command makes at server time {@code now}, by {@code user}. */
    public Timeline apply(PlaybackCommand command, String user, long now) {
        long current = positionAt(now);
        Long given = command.positionMs();
        return switch (command.type()) {
            case PLAY -> with(given != null ? given : current, rate, true, now, user, command);
            case PAUSE -> with(given != null ? given : current, rate, false, now, user, command);
            case SEEK -> with(given, rate, playing, now, user, command);
            case RATE -> with(current, command.rate(), playing, now, user, command);
            case MEDIA -> new Timeline(stream, command.title() != null ? command.title() : title, command.mediaUrl(),
                    given != null ? given : 0, rate, false, now, syncEnabled, toleranceMs, waitForAll, user,
                    command.type().wireName(), command.eventId(), controller);
        };
    }

    private Timeline with(long position, double newRate, boolean nowPlaying, long now, String user, PlaybackCommand command) {
        return new Timeline(stream, title, media, position, newRate, nowPlaying, now, syncEnabled, toleranceMs, waitForAll,
                user, command.type().wireName(), command.eventId(), controller);
    }

    /** Paused or resumed by the server (buffering gate, idle reset, handoff): position as it is at {@code now}. */
    public Timeline settled(boolean nowPlaying, long now, String user, String why) {
        return new Timeline(stream, title, media, positionAt(now), rate, nowPlaying, now, syncEnabled, toleranceMs,
                waitForAll, user, why, null, controller);
    }

    /** The same timeline with another member holding control besides the hosts (null: hosts only). */
    public Timeline controlledBy(String member, long now, String user) {
        return new Timeline(stream, title, media, positionAt(now), rate, playing, now, syncEnabled, toleranceMs,
                waitForAll, user, "handoff", null, member);
    }

    /** Reset after a long idle time: not playing, the position kept where the last action left it. */
    public Timeline idle(long now) {
        return new Timeline(stream, title, media, positionMs, rate, false, now, syncEnabled, toleranceMs, waitForAll,
                "system", "idle", null, controller);
    }

    /** The same timeline with another controller (null: hosts only), nothing else changed. */
    public Timeline withController(String member) {
        return new Timeline(stream, title, media, positionMs, rate, playing, at, syncEnabled, toleranceMs, waitForAll,
                by, cause, eventId, member);
    }

    public JsonObject toJson() {
        JsonObjectBuilder json = JSON.createObjectBuilder()
                .add("stream", stream)
                .add("title", title)
                .add("media", media)
                .add("positionMs", positionMs)
                .add("rate", rate)
                .add("playing", playing)
                .add("at", at)
                .add("syncEnabled", syncEnabled)
                .add("toleranceMs", toleranceMs)
                .add("waitForAll", waitForAll)
                .add("by", by)
                .add("cause", cause);
        if (eventId != null) {
            json.add("eventId", eventId);
        }
        if (controller != null) {
            json.add("controller", controller);
        }
        return json.build();
    }

    /** Reads a timeline the server stored (the value of a {@code stream/<id>} key). */
    public static Timeline fromJson(String text) {
        JsonObject json;
        try (var reader = JSON.createReader(new StringReader(text))) {
            json = reader.readObject();
        }
        return new Timeline(json.getString("stream"), json.getString("title"), json.getString("media"),
                json.getJsonNumber("positionMs").longValue(), json.getJsonNumber("rate").doubleValue(),
                json.getBoolean("playing"), json.getJsonNumber("at").longValue(), json.getBoolean("syncEnabled"),
                json.getInt("toleranceMs"), json.getBoolean("waitForAll"), json.getString("by"),
                json.getString("cause"), optional(json, "eventId"), optional(json, "controller"));
    }

    private static String optional(JsonObject json, String field) {
        JsonValue value = json.get(field);
        return value instanceof JsonString s ? s.getString() : null;
    }

    /** A JSON number as a double, or NaN when it is not one. */
    static double number(JsonValue value) {
        return value instanceof JsonNumber n ? n.doubleValue() : Double.NaN;
    }
}
