package dev.roomkeeper.participants.boundary;

import dev.roomkeeper.auth.boundary.AdminOnly;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.participants.control.ParticipantReads;
import dev.roomkeeper.participants.control.RoomNames;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.control.RoomDirectory;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** A room's media participants, from the cache ({@code src/docs/participants.md}). */
@Path("rooms/{room}/participants")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "participants", description = "Media participants from LiveKit webhooks")
public class ParticipantsResource {

    @Inject
    ParticipantReads reads;

    @Inject
    RoomAccess access;

    @Inject
    RoomDirectory directory;

    @Context
    SecurityContext security;

    @GET
    @Operation(summary = "A room's media participants", description = "Members of the open room; admins for any room. "
            + "Every channel, or the one named by ?channel= (empty: the unnamed channel). Served from the cache, valid "
            + "at seq: apply the participants.* events after it.")
    @APIResponse(responseCode = "200", description = "{room, epoch, seq, channels: [{channel, count, participants}]}")
    @APIResponse(responseCode = "400", description = "Invalid channel",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "stream-unavailable: the cache cannot be reached",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject list(@PathParam("room") String room, @QueryParam("channel") String channel) {
        if (channel != null && !channel.isEmpty() && !RoomNames.validChannel(channel)) {
            throw ProblemException.invalid(List.of(new Problem.FieldError("channel",
                    "must be 1 to " + RoomNames.MAX_CHANNEL + " characters without control characters")));
        }
        return reads.members(readable(room), channel);
    }

    private String readable(String room) {
        if (!(security != null && security.getUserPrincipal() instanceof Caller caller)) {
            throw ProblemException.unauthorized("This call needs a bearer token.");
        }
        if (security.isUserInRole(AdminOnly.ROLE)) {
            return directory.get(room).id();
        }
        return access.resolve(room, caller).roomId();
    }
}
