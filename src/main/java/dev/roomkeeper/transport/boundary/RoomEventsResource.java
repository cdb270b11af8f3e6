package dev.roomkeeper.transport.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
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

/** A room's event stream as Server-Sent Events, for clients that cannot keep a WebSocket. */
@Path("rooms/{room}/events")
@RequestScoped
@Tag(name = "Events")
public class RoomEventsResource {

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
        Caller caller = (Caller) security.getUserPrincipal();
        Access granted = access.resolve(room, caller);
        Long resumeFrom = null;
        String epoch = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            int colon = lastEventId.lastIndexOf(':');
            epoch = colon > 0 ? lastEventId.substring(0, colon) : null;
            resumeFrom = seq(colon >= 0 ? lastEventId.substring(colon + 1) : lastEventId, "Last-Event-ID");
        } else if (since != null && !since.isBlank()) {
            resumeFrom = seq(since, "since");
        }
        streams.open(granted.roomId(), granted.slug(), caller.userId(), caller.expiresAt(), resumeFrom, epoch, sink, sse);
    }

    private static Long seq(String text, String what) {
        try {
            long value = Long.parseLong(text.trim());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(what + " must be `<epoch>:<seq>` or a non-negative seq.");
        }
    }
}
