package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.control.RoomActivity;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.rooms.control.RoomProblems;
import dev.roomkeeper.rooms.entity.CloseRoomRequest;
import dev.roomkeeper.rooms.entity.CreateRoomRequest;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.rooms.entity.RoomActivityResponse;
import dev.roomkeeper.rooms.entity.RoomFilter;
import dev.roomkeeper.rooms.entity.RoomResponse;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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

/** Rooms: created, listed and closed by admins; read by admins and the room's members. */
@Path("rooms")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "rooms", description = "Rooms and their lifecycle")
public class RoomsResource {

    @Inject
    RoomDirectory directory;

    @Inject
    RoomAccess access;

    @Inject
    RoomActivity activity;

    @Context
    SecurityContext security;

    @Context
    UriInfo uriInfo;

    @POST
    @Operation(summary = "Create a room", description = "Admin only. The slug is made from the title when absent.")
    @APIResponse(responseCode = "201", description = "Created; Location names the room by id",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RoomResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The slug asked for is taken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(CreateRoomRequest request) {
        Caller admin = Requests.admin(security);
        Requests.requireValid(Requests.requireBody(request).fieldErrors());
        RoomResponse room = directory.create(request, admin.userId());
        URI location = uriInfo.getBaseUriBuilder().path(RoomsResource.class).segment(room.id()).build();
        return Response.created(location).entity(room).build();
    }

    @GET
    @Operation(summary = "List rooms", description = "Admin only. Newest first.")
    @APIResponse(responseCode = "200", description = "A page of rooms: {items, offset, limit, total}")
    @APIResponse(responseCode = "400", description = "Invalid query parameters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<RoomResponse> list(
            @Parameter(description = "Rooms to skip, 0 or more (default 0)") @QueryParam("offset") String offset,
            @Parameter(description = "Page size, 1 to 200 (default 50)") @QueryParam("limit") String limit,
            @Parameter(description = "open or closed") @QueryParam("state") String state,
            @Parameter(description = "Only rooms of this kind") @QueryParam("kind") String kind) {
        Requests.admin(security);
        List<Problem.FieldError> errors = new ArrayList<>();
        PageRequest page = PageRequest.parse(offset, limit, errors);
        RoomFilter filter = RoomFilter.parse(state, kind, errors);
        Requests.requireValid(errors);
        return directory.list(page, filter);
    }

    @GET
    @Path("{room}")
    @Operation(summary = "Get a room", description = "Admins see any room; members see their open rooms.")
    @APIResponse(responseCode = "200", description = "The room",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RoomResponse.class)))
    @APIResponse(responseCode = "403", description = "Not an admin nor a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The room is closed (members only; admins still see it)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RoomResponse get(@Parameter(description = "The room's id or slug") @PathParam("room") String room) {
        return directory.get(readable(room));
    }

    @GET
    @Path("{room}/activity")
    @Operation(summary = "Whether a room is still active",
            description = "Members (by membership or a room grant in their token) and admins. The room's last "
                    + "activity (events, presence, invites; now while anyone is present), when it will count as "
                    + "idle unless something happens (its invite links then stop working and the idle sweep "
                    + "closes it), and who is present.")
    @APIResponse(responseCode = "200", description = "The room's activity",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RoomActivityResponse.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin nor a member",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The room is closed (members only; admins still see it)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "activity-unavailable: the engine cannot be asked right now",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RoomActivityResponse activity(@Parameter(description = "The room's id or slug") @PathParam("room") String room) {
        return activity.report(directory.lookup(readable(room)).orElseThrow(() -> RoomProblems.noRoom(room)));
    }

    /**
     * How the caller may name the room to read it: admins any room as sent (open or closed); anyone else
     * through {@link RoomAccess} (open room, membership or token grant), by its id.
     */
    private String readable(String room) {
        Caller caller = Requests.caller(security);
        return Requests.isAdmin(security) ? room : access.resolve(room, caller).roomId();
    }

    @POST
    @Path("{room}/close")
    @Operation(summary = "Close a room", description = "Admin only. Idempotent: closing a closed room answers it unchanged. "
            + "Announces room.closed on the room's stream.")
    @APIResponse(responseCode = "200", description = "The closed room",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RoomResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid reason",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RoomResponse close(@Parameter(description = "The room's id or slug") @PathParam("room") String room,
                              CloseRoomRequest request) {
        Caller admin = Requests.admin(security);
        if (request != null) {
            Requests.requireValid(request.fieldErrors());
        }
        return directory.close(room, request == null ? null : request.reason(), admin.userId());
    }
}
