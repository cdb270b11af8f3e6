package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.presence.control.ParsedMetadata;
import dev.roomkeeper.presence.control.PresenceRegistry;
import dev.roomkeeper.rooms.control.RoomAccess;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import dev.roomkeeper.presence.entity.PresenceListResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A room's presence for members and admins. */
@Path("rooms/{room}/presence")
@RequestScoped
@Tag(name = "presence")
public class RoomPresenceResource {

    @Inject
    ParsedMetadata metadata;

    @Inject
    RoomAccess access;

    @Inject
    PresenceRegistry registry;

    @Context
    SecurityContext security;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Who is in the room",
            description = "Online users with each session's state and metadata, and users who left with "
                    + "lastDisconnected; valid at the returned seq of the room's stream.")
    @APIResponse(responseCode = "200", description = "The room's presence",
            content = @Content(schema = @Schema(implementation = PresenceListResponse.class)))
    @APIResponse(responseCode = "403", description = "Not a member")
    @APIResponse(responseCode = "404", description = "No such room")
    public PresenceListResponse list(@PathParam("room") String room) {
        String roomId = access.resolve(room, (Caller) security.getUserPrincipal()).roomId();
        return PresenceView.of(registry.snapshot(roomId), metadata);
    }
}
