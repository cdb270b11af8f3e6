package dev.roomkeeper.polls.boundary;

import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.polls.control.PollBook;
import dev.roomkeeper.polls.control.PollSettings;
import dev.roomkeeper.polls.entity.PollRequest;
import dev.roomkeeper.polls.entity.VoteRequest;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.spi.JsonProvider;

import java.util.List;
import java.util.Set;

/**
 * Polls over the socket ({@code src/docs/polls.md}): {@code poll.create} (hosts), {@code poll.vote} (members but
 * observers), {@code poll.close} (hosts), {@code poll.list} (members). Every field is checked; an unknown field is
 * refused. Refusals are error frames whose code is the problem's type ({@code validation}, {@code forbidden},
 * {@code poll-not-found}, {@code poll-closed}, {@code invalid-option}, {@code too-many-open-polls}, ...).
 */
@ApplicationScoped
public class PollHandler implements FrameHandler {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final int MAX_ROOM_REF = 128;
    private static final Set<String> ENVELOPE = Set.of("type", "id", "room");
    private static final Set<String> POLL_ENVELOPE = Set.of("type", "id", "room", "pollId");

    @Inject
    RoomAccess access;

    @Inject
    PollBook book;

    @Inject
    PollSettings settings;

    @Override
    public Set<String> types() {
        return Set.of("poll.create", "poll.vote", "poll.close", "poll.list");
    }

    @Override
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        String userId = connection.caller().userId();
        return switch (frame.type()) {
            case "poll.create" -> {
                PollRequest.Parsed parsed = PollRequest.parse(frame.body(), ENVELOPE, settings.limits(),
                        System.currentTimeMillis());
                Access granted = access.resolve(frame.requiredString("room", MAX_ROOM_REF), connection.caller());
                yield Reply.ack(JSON.createObjectBuilder().add("poll",
                        book.create(granted, userId, valid(parsed.request(), parsed.errors())).toJson()));
            }
            case "poll.vote" -> {
                VoteRequest.Parsed parsed = VoteRequest.parse(frame.body(), POLL_ENVELOPE);
                String pollId = pollId(frame);
                Access granted = access.resolve(frame.requiredString("room", MAX_ROOM_REF), connection.caller());
                yield Reply.ack(book.vote(granted, userId, pollId, valid(parsed.request(), parsed.errors())).toJson());
            }
            case "poll.close" -> {
                onlyEnvelope(frame, POLL_ENVELOPE);
                String pollId = pollId(frame);
                Access granted = access.resolve(frame.requiredString("room", MAX_ROOM_REF), connection.caller());
                yield Reply.ack(JSON.createObjectBuilder().add("poll", book.closeByHost(granted, userId, pollId).toJson()));
            }
            case "poll.list" -> {
                onlyEnvelope(frame, ENVELOPE);
                Access granted = access.resolve(frame.requiredString("room", MAX_ROOM_REF), connection.caller());
                JsonArrayBuilder polls = JSON.createArrayBuilder();
                book.live(granted.roomId()).forEach(p -> polls.add(p.toJson()));
                yield Reply.ack(JSON.createObjectBuilder().add("room", granted.roomId()).add("polls", polls));
            }
            default -> throw new IllegalStateException(frame.type());
        };
    }

    private static String pollId(ClientFrame frame) {
        String pollId = frame.requiredString("pollId", 64);
        if (!dev.roomkeeper.polls.entity.PollKeys.isPollId(pollId)) {
            throw ProblemException.invalid(List.of(new FieldError("pollId", "must be a poll id: 16 characters of a-z 0-9")));
        }
        return pollId;
    }

    private static void onlyEnvelope(ClientFrame frame, Set<String> allowed) {
        List<FieldError> unknown = frame.body().keySet().stream().filter(k -> !allowed.contains(k)).sorted()
                .map(k -> new FieldError(k, "is not a field of " + frame.type())).toList();
        if (!unknown.isEmpty()) {
            throw ProblemException.invalid(unknown);
        }
    }

    private static <T> T valid(T request, List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return request;
    }
}
