package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.rooms.entity.RoomFilter;
import dev.roomkeeper.rooms.entity.RoomResponse;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/** The caller's own rooms, for any authenticated user. */
@Path("me/rooms")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "rooms")
public class MyRoomsResource {

    @Inject
    RoomDirectory directory;

    @Context
    SecurityContext security;

    @GET
    @Operation(summary = "List my rooms",
            description = "Rooms where the caller is a member, or that their token grants. Newest first.")
    @APIResponse(responseCode = "200", description = "A page of rooms: {items, offset, limit, total}")
    @APIResponse(responseCode = "400", description = "Invalid query parameters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<RoomResponse> list(
            @Parameter(description = "Rooms to skip, 0 or more (default 0)") @QueryParam("offset") String offset,
            @Parameter(description = "Page size, 1 to 200 (default 50)") @QueryParam("limit") String limit,
            @Parameter(description = "open or closed") @QueryParam("state") String state,
            @Parameter(description = "Only rooms of this kind") @QueryParam("kind") String kind) {
        Caller caller = Requests.caller(security);
        List<Problem.FieldError> errors = new ArrayList<>();
        PageRequest page = PageRequest.parse(offset, limit, errors);
        RoomFilter filter = RoomFilter.parse(state, kind, errors);
        Requests.requireValid(errors);
        return directory.listForMember(caller.userId(), caller.roomGrants().keySet(), page, filter);
    }
}
