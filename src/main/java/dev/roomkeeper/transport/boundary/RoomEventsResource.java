package dev.roomkeeper.transport.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.platform.entity.WholeNumber;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.transport.control.SseStreams;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A room's event stream as Server-Sent Events, for clients that cannot keep a WebSocket. */
@Path("rooms/{room}/events")
@RequestScoped
@Tag(name = "Events")
public class RoomEventsResource {

    /** {@code <epoch>:<seq>} or {@code <seq>}; the seq is checked exactly by {@link WholeNumber}. */
    private static final Pattern LAST_EVENT_ID = Pattern.compile("(?:([A-Za-z0-9_-]{1,64}):)?([0-9]{1,19})");

    @Inject
    RoomAccess access;

    @Inject
    SseStreams streams;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Stream a room's events",
            description = "Sends `subscribed`, then the events after `Last-Event-ID` (or `since`), then live events. "
                    + "Each event's id is `<epoch>:<seq>`. When the gap cannot be replayed a `snapshot-required` event "
                    + "is sent and the stream ends. "
                    + "When the token expires, a `token-expired` event is sent and the stream ends: reopen with a "
                    + "fresh token and `since`. Browsers' EventSource cannot send headers: pass the token as `access_token`.")
    @APIResponse(responseCode = "200", description = "The stream")
    @APIResponse(responseCode = "400", description = "Malformed Last-Event-ID or since")
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "Not a member of the room")
    @APIResponse(responseCode = "404", description = "No such room")
    public void events(@PathParam("room") String room,
                       @Parameter(description = "`<epoch>:<seq>` of the last event seen") @HeaderParam("Last-Event-ID") String lastEventId,
                       @Parameter(description = "last seq seen, when there is no Last-Event-ID") @QueryParam("since") String since,
                       @Context SecurityContext security, @Context SseEventSink sink, @Context Sse sse) {
        List<FieldError> errors = new ArrayList<>();
        Resume resume = resume(lastEventId, since, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Caller caller = (Caller) security.getUserPrincipal();
        Access granted = access.resolve(room, caller);
        streams.open(granted.roomId(), granted.slug(), caller.userId(), caller.expiresAt(), resume.since(), resume.epoch(),
                sink, sse);
    }

    /** Where a stream resumes: after {@code since} (null: live only) of {@code epoch} (null: whichever). */
    record Resume(Long since, String epoch) {
    }

    /**
     * Reads {@code Last-Event-ID} (which wins) and {@code since} exactly, adding an error for each that is malformed.
     * {@code Last-Event-ID} is {@code <epoch>:<seq>}, as the server sends event ids, or a bare {@code <seq>}; anything
     * else ({@code :5}, {@code abc:}, {@code 9f3a:+5}, {@code 9f3a:5:6}, a seq over 2^63-1) is refused rather than
     * guessed at. A seq is ASCII digits only, from 0 to 9223372036854775807.
     */
    static Resume resume(String lastEventId, String since, List<FieldError> errors) {
        Long fromSince = null;
        if (since != null && !since.isEmpty()) {
            OptionalLong seq = WholeNumber.parse(since, 0, Long.MAX_VALUE);
            if (seq.isEmpty()) {
                errors.add(new FieldError("since", "must be a seq: a whole number from 0 to " + Long.MAX_VALUE));
            } else {
                fromSince = seq.getAsLong();
            }
        }
        if (lastEventId == null || lastEventId.isEmpty()) {
            return new Resume(fromSince, null);
        }
        Matcher id = LAST_EVENT_ID.matcher(lastEventId);
        OptionalLong seq = id.matches() ? WholeNumber.parse(id.group(2), 0, Long.MAX_VALUE) : OptionalLong.empty();
        if (seq.isEmpty()) {
            errors.add(new FieldError("Last-Event-ID", "must be <epoch>:<seq> as the server sent it (an epoch of 1 to 64 "
                    + "characters of A-Z a-z 0-9 _ -, a seq from 0 to " + Long.MAX_VALUE + "), or a seq alone"));
            return new Resume(null, null);
        }
        return new Resume(seq.getAsLong(), id.group(1));
    }
}
