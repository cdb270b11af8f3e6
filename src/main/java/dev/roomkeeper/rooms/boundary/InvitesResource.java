package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.control.Invites;
import dev.roomkeeper.rooms.entity.CreateInviteRequest;
import dev.roomkeeper.rooms.entity.CreatedInviteResponse;
import dev.roomkeeper.rooms.entity.InviteResponse;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A room's invite links: created, listed and revoked by the room's hosts and by admins. */
@Path("rooms/{room}/invites")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "invites", description = "Invite links that make whoever redeems them a member of a room")
public class InvitesResource {

    @Inject
    Invites invites;

    @Context
    SecurityContext security;

    @Context
    UriInfo uriInfo;

    @POST
    @Operation(summary = "Create an invite link",
            description = "Hosts of the open room, or admins. Only admins may create host invites. "
                    + "The answer holds the token, shown this once and never again.")
    @APIResponse(responseCode = "201", description = "Created; Location names the invite",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreatedInviteResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields, an expiry in the past or too far ahead",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a host nor an admin, or a host asking for a host invite",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The room is closed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@Parameter(description = "The room's id or slug") @PathParam("room") String room,
                           CreateInviteRequest request) {
        Caller caller = Requests.caller(security);
        if (request != null) {
            Requests.requireValid(request.fieldErrors());
        }
        CreatedInviteResponse invite = invites.create(room, request, caller, Requests.isAdmin(security));
        URI location = uriInfo.getBaseUriBuilder().path("rooms").segment(invite.roomId(), "invites", invite.id())
                .build();
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.created(location).cacheControl(noStore).entity(invite).build();
    }

    @GET
    @Operation(summary = "List a room's invites", description = "Hosts of the open room, or admins. Newest first; "
            + "tokens are never listed.")
    @APIResponse(responseCode = "200", description = "A page of invites: {items, offset, limit, total}")
    @APIResponse(responseCode = "400", description = "Invalid query parameters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a host nor an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The room is closed (hosts only; admins still list)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<InviteResponse> list(
            @Parameter(description = "The room's id or slug") @PathParam("room") String room,
            @Parameter(description = "Invites to skip, 0 or more (default 0)") @QueryParam("offset") String offset,
            @Parameter(description = "Page size, 1 to 200 (default 50)") @QueryParam("limit") String limit) {
        Caller caller = Requests.caller(security);
        List<Problem.FieldError> errors = new ArrayList<>();
        PageRequest page = PageRequest.parse(offset, limit, errors);
        Requests.requireValid(errors);
        return invites.list(room, page, caller, Requests.isAdmin(security));
    }

    @GET
    @Path("{inviteId}")
    @Operation(summary = "Get one invite", description = "Hosts of the open room, or admins. Without its token.")
    @APIResponse(responseCode = "200", description = "The invite",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = InviteResponse.class)))
    @APIResponse(responseCode = "403", description = "Not a host nor an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room, or the room has no such invite",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public InviteResponse get(@Parameter(description = "The room's id or slug") @PathParam("room") String room,
                              @Parameter(description = "The invite's id") @PathParam("inviteId") String inviteId) {
        Caller caller = Requests.caller(security);
        return invites.get(room, inviteId, caller, Requests.isAdmin(security));
    }

    @DELETE
    @Path("{inviteId}")
    @Operation(summary = "Revoke an invite", description = "Hosts of the open room, or admins (closed rooms too). "
            + "Idempotent: revoking a revoked invite answers 204 again.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "403", description = "Not a host nor an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room, or the room has no such invite",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public void revoke(@Parameter(description = "The room's id or slug") @PathParam("room") String room,
                       @Parameter(description = "The invite's id") @PathParam("inviteId") String inviteId) {
        Caller caller = Requests.caller(security);
        invites.revoke(room, inviteId, caller, Requests.isAdmin(security));
    }
}
