package dev.roomkeeper.playback.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.playback.control.BufferingGates;
import dev.roomkeeper.playback.control.HostHandoff;
import dev.roomkeeper.playback.control.PlaybackSettings;
import dev.roomkeeper.playback.control.Timelines;
import dev.roomkeeper.playback.entity.CommandType;
import dev.roomkeeper.playback.entity.PlaybackCommand;
import dev.roomkeeper.playback.entity.PlaybackInput;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.playback.entity.StreamRequest;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Playback over the socket ({@code src/docs/playback.md}): {@code playback.snapshot} (members),
 * {@code playback.create} and the commands {@code playback.play}, {@code playback.pause}, {@code playback.seek},
 * {@code playback.rate}, {@code playback.media} (hosts, and the member control was handed to), and the viewer reports
 * {@code playback.sync} (a sync_request) and {@code playback.position} (drift) from any member. Refusals are error
 * frames: {@code validation}, {@code not-host} (with {@code viewOnly: true}), {@code rate-limited} (with
 * {@code retryAfterMs}), {@code stream-not-found}, {@code too-many-streams}, {@code busy}.
 */
@ApplicationScoped
public class PlaybackHandler implements FrameHandler {

    private static final int MAX_ROOM_REF = 128;
    static final long MAX_REPORT_SKEW_MS = 60_000;

    @Inject
    Timelines timelines;

    @Inject
    PlaybackSettings settings;

    @Inject
    BufferingGates gates;

    @Inject
    HostHandoff handoff;

    private static String eventId(jakarta.json.JsonObject body) {
        List<FieldError> errors = new ArrayList<>();
        String eventId = PlaybackInput.eventId(body, "eventId", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return eventId;
    }

    /** {@code at}: the viewer's estimate of the server time of its position, within a minute of the server's. */
    private static Long serverTime(ClientFrame frame) {
        long now = System.currentTimeMillis();
        Long at = frame.optionalLong("at", 0, Long.MAX_VALUE / 2);
        if (at == null || Math.abs(at - now) > MAX_REPORT_SKEW_MS) {
            throw ProblemException.invalid(List.of(new FieldError("at",
                    "must be the server time of the position (epoch ms), within a minute of the server's clock")));
        }
        return at;
    }

    @Override
    public Set<String> types() {
        return Set.of("playback.snapshot", "playback.create", "playback.play", "playback.pause", "playback.seek",
                "playback.rate", "playback.media", "playback.sync", "playback.position", "playback.buffer", "playback.handoff");
    }

    @Override
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        Caller caller = connection.caller();
        Access room = timelines.access(frame.requiredString("room", MAX_ROOM_REF), caller);
        String action = frame.type().substring("playback.".length());
        return switch (action) {
            case "snapshot" -> Reply.ack(PlaybackJson.snapshot(timelines.snapshot(room)));
            case "sync" -> {
                String stream = PlaybackJson.streamId(frame.requiredString("stream", 64), "stream");
                String eventId = eventId(frame.body());
                yield Reply.ack(PlaybackJson.timeline(room.roomId(), timelines.syncRequest(room, caller, stream, eventId)));
            }
            case "handoff" -> {
                String stream = PlaybackJson.streamId(frame.requiredString("stream", 64), "stream");
                String to = frame.requiredString("to", 128);
                yield Reply.ack(handoff.handOver(room, caller, stream, to).toJson(room.roomId()));
            }
            case "buffer" -> {
                String stream = PlaybackJson.streamId(frame.requiredString("stream", 64), "stream");
                String what = frame.requiredString("state", 8);
                if (!what.equals("start") && !what.equals("end")) {
                    throw ProblemException.invalid(List.of(new FieldError("state", "must be start or end")));
                }
                BufferingGates.Result result = gates.report(room, caller, stream, what.equals("start"), eventId(frame.body()));
                yield Reply.ack(jakarta.json.Json.createObjectBuilder().add("room", room.roomId()).add("stream", stream)
                        .add("result", result.wireName()));
            }
            case "position" -> {
                String stream = PlaybackJson.streamId(frame.requiredString("stream", 64), "stream");
                List<FieldError> errors = new ArrayList<>();
                Long position = PlaybackInput.position(frame.body(), "positionMs", errors);
                PlaybackInput.require(position, frame.body(), "positionMs", "the viewer's position in ms", errors);
                Long at = frame.body().containsKey("at") ? serverTime(frame) : null;
                String eventId = PlaybackInput.eventId(frame.body(), "eventId", errors);
                if (!errors.isEmpty()) {
                    throw ProblemException.invalid(errors);
                }
                yield Reply.ack(PlaybackJson.judged(room.roomId(), stream, timelines.report(room, caller, stream,
                        position, at, eventId)));
            }
            case "create" -> {
                StreamRequest.Parsed parsed = StreamRequest.parse(frame.body(), settings.defaultToleranceMs());
                if (!parsed.errors().isEmpty()) {
                    throw ProblemException.invalid(parsed.errors());
                }
                yield Reply.ack(timelines.create(room, caller, parsed.request()).toJson(room.roomId()));
            }
            default -> {
                CommandType type = CommandType.fromWire(action).orElseThrow();
                String stream = PlaybackJson.streamId(frame.requiredString("stream", 64), "stream");
                PlaybackCommand.Parsed parsed = PlaybackCommand.parse(type, frame.body());
                if (!parsed.errors().isEmpty()) {
                    throw ProblemException.invalid(parsed.errors());
                }
                yield Reply.ack(timelines.command(room, caller, stream, parsed.command()).toJson(room.roomId()));
            }
        };
    }
}
