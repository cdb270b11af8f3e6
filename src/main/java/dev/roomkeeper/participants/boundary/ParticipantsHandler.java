package dev.roomkeeper.participants.boundary;

import dev.roomkeeper.participants.control.ParticipantReads;
import dev.roomkeeper.participants.control.RoomNames;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Set;

/**
 * {@code participants.snapshot} over the socket ({@code src/docs/participants.md}): a room's media participants
 * from the cache, valid at the answer's {@code seq}, the same answer as {@code GET /api/rooms/{room}/participants};
 * a subscriber takes it after subscribing and applies the {@code participants.*} events after that seq. Members
 * only; {@code channel} (optional) names one channel, {@code ""} the unnamed one.
 */
@ApplicationScoped
public class ParticipantsHandler implements FrameHandler {

    private static final int MAX_ROOM_REF = 128;
    private static final Set<String> FIELDS = Set.of("type", "id", "room", "channel");

    @Inject
    RoomAccess access;

    @Inject
    ParticipantReads reads;

    @Override
    public Set<String> types() {
        return Set.of("participants.snapshot");
    }

    @Override
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        List<FieldError> unknown = frame.body().keySet().stream().filter(k -> !FIELDS.contains(k)).sorted()
                .map(k -> new FieldError(k, "is not a field of participants.snapshot")).toList();
        if (!unknown.isEmpty()) {
            throw ProblemException.invalid(unknown);
        }
        String channel = frame.optionalString("channel", RoomNames.MAX_CHANNEL);
        if (channel != null && !channel.isEmpty() && !RoomNames.validChannel(channel)) {
            throw ProblemException.invalid(List.of(new FieldError("channel",
                    "must be 1 to " + RoomNames.MAX_CHANNEL + " characters without control characters")));
        }
        Access granted = access.resolve(frame.requiredString("room", MAX_ROOM_REF), connection.caller());
        return Reply.ack(reads.members(granted.roomId(), channel));
    }
}
