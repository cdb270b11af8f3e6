package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.control.Memberships;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.AddMemberRequest;
import dev.roomkeeper.rooms.entity.ChangeRoleRequest;
import dev.roomkeeper.rooms.entity.MemberResponse;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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

/** A room's members: managed by admins, listed by admins and the room's members. */
@Path("rooms/{room}/members")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "members", description = "Who belongs to a room, and in which role")
public class MembersResource {

    @Inject
    Memberships memberships;

    @Inject
    RoomAccess access;

    @Context
    SecurityContext security;

    @Context
    UriInfo uriInfo;

    @GET
    @Operation(summary = "List a room's members", description = "Admins, or any member of the open room. Oldest first.")
    @APIResponse(responseCode = "200", description = "A page of members: {items, offset, limit, total}")
    @APIResponse(responseCode = "400", description = "Invalid query parameters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin nor a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The room is closed (members only)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<MemberResponse> list(
            @Parameter(description = "The room's id or slug") @PathParam("room") String room,
            @Parameter(description = "Members to skip, 0 or more (default 0)") @QueryParam("offset") String offset,
            @Parameter(description = "Page size, 1 to 200 (default 50)") @QueryParam("limit") String limit) {
        String roomRef = readableRoom(room);
        List<Problem.FieldError> errors = new ArrayList<>();
        PageRequest page = PageRequest.parse(offset, limit, errors);
        Requests.requireValid(errors);
        return memberships.list(roomRef, page);
    }

    @GET
    @Path("{userId}")
    @Operation(summary = "Get one member", description = "Admins, or any member of the open room.")
    @APIResponse(responseCode = "200", description = "The member",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MemberResponse.class)))
    @APIResponse(responseCode = "403", description = "Not an admin nor a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room, or the user is not a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public MemberResponse get(@Parameter(description = "The room's id or slug") @PathParam("room") String room,
                              @Parameter(description = "The member's user id") @PathParam("userId") String userId) {
        return memberships.get(readableRoom(room), userId);
    }

    @POST
    @Operation(summary = "Add a member", description = "Admin only. Announces member.added on the room's stream.")
    @APIResponse(responseCode = "201", description = "Added; Location names the membership",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MemberResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Already a member, or the room is closed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response add(@Parameter(description = "The room's id or slug") @PathParam("room") String room,
                        AddMemberRequest request) {
        Requests.admin(security);
        Requests.requireValid(Requests.requireBody(request).fieldErrors());
        MemberResponse member = memberships.add(room, request);
        URI location = uriInfo.getBaseUriBuilder().path("rooms").segment(member.roomId(), "members", member.userId())
                .build();
        return Response.created(location).entity(member).build();
    }

    @PATCH
    @Path("{userId}")
    @Operation(summary = "Change a member's role", description = "Admin only. Announces member.role-changed when the role changes.")
    @APIResponse(responseCode = "200", description = "The member with the new role",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MemberResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid role",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room, or the user is not a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The room is closed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public MemberResponse changeRole(@Parameter(description = "The room's id or slug") @PathParam("room") String room,
                                     @Parameter(description = "The member's user id") @PathParam("userId") String userId,
                                     ChangeRoleRequest request) {
        Requests.admin(security);
        Requests.requireValid(Requests.requireBody(request).fieldErrors());
        return memberships.changeRole(room, userId, request.role());
    }

    @DELETE
    @Path("{userId}")
    @Operation(summary = "Remove a member", description = "Admin only, open or closed room. Announces member.removed.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "403", description = "Not an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room, or the user is not a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public void remove(@Parameter(description = "The room's id or slug") @PathParam("room") String room,
                       @Parameter(description = "The member's user id") @PathParam("userId") String userId) {
        Requests.admin(security);
        memberships.remove(room, userId);
    }

    /** The room, when the caller may read its members: admins always, others by {@link RoomAccess}. */
    private String readableRoom(String room) {
        Caller caller = Requests.caller(security);
        if (Requests.isAdmin(security)) {
            return room;
        }
        return access.resolve(room, caller).roomId();
    }
}
