package dev.roomkeeper.playback.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.playback.control.PlaybackSettings;
import dev.roomkeeper.playback.control.Timelines;
import dev.roomkeeper.playback.entity.CommandType;
import dev.roomkeeper.playback.entity.PlaybackCommand;
import dev.roomkeeper.playback.entity.StreamRequest;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Set;

/**
 * Playback over the socket ({@code src/docs/playback.md}): {@code playback.snapshot} (members),
 * {@code playback.create} and the commands {@code playback.play}, {@code playback.pause}, {@code playback.seek},
 * {@code playback.rate}, {@code playback.media} (hosts, and the member control was handed to). Refusals are error
 * frames: {@code validation}, {@code not-host} (with {@code viewOnly: true}), {@code rate-limited} (with
 * {@code retryAfterMs}), {@code stream-not-found}, {@code too-many-streams}, {@code busy}.
 */
@ApplicationScoped
public class PlaybackHandler implements FrameHandler {

    private static final int MAX_ROOM_REF = 128;

    @Inject
    Timelines timelines;

    @Inject
    PlaybackSettings settings;

    @Override
    public Set<String> types() {
        return Set.of("playback.snapshot", "playback.create", "playback.play", "playback.pause", "playback.seek",
                "playback.rate", "playback.media");
    }

    @Override
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        Caller caller = connection.caller();
        Access room = timelines.access(frame.requiredString("room", MAX_ROOM_REF), caller);
        String action = frame.type().substring("playback.".length());
        return switch (action) {
            case "snapshot" -> Reply.ack(PlaybackJson.snapshot(timelines.snapshot(room)));
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
