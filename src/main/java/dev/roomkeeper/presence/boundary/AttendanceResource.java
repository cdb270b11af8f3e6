package dev.roomkeeper.presence.boundary;

import dev.roomkeeper.auth.boundary.AdminOnly;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.presence.control.AttendanceHistory;
import dev.roomkeeper.presence.entity.AttendanceFilter;
import dev.roomkeeper.presence.entity.AttendanceResponse;
import dev.roomkeeper.presence.entity.AttendanceTotalResponse;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.auth.entity.Role;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/** Who was in a room and for how long, for audit: admins (any room, open or closed) and the open room's hosts. */
@Path("rooms/{room}/attendance")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "attendance", description = "Recorded presence sessions of a room, for audit")
public class AttendanceResource {

    @Inject
    AttendanceHistory history;

    @Inject
    RoomDirectory directory;

    @Inject
    RoomAccess access;

    @Context
    SecurityContext security;

    @GET
    @Operation(summary = "List a room's attendance",
            description = "Admins, or hosts of the open room. One record per session, newest first.")
    @APIResponse(responseCode = "200", description = "A page of records: {items, offset, limit, total}")
    @APIResponse(responseCode = "400", description = "Invalid query parameters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin nor a host of the room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The room is closed (hosts only; admins still read it)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<AttendanceResponse> list(
            @Parameter(description = "The room's id or slug") @PathParam("room") String room,
            @Parameter(description = "Records to skip, 0 or more (default 0)") @QueryParam("offset") String offset,
            @Parameter(description = "Page size, 1 to 200 (default 50)") @QueryParam("limit") String limit,
            @Parameter(description = "Only this user's records") @QueryParam("userId") String userId,
            @Parameter(description = "Only sessions that started at or after this ISO-8601 instant")
            @QueryParam("from") String from,
            @Parameter(description = "Only sessions that started before this ISO-8601 instant")
            @QueryParam("to") String to) {
        String roomId = readableRoom(room);
        List<Problem.FieldError> errors = new ArrayList<>();
        PageRequest page = PageRequest.parse(offset, limit, errors);
        AttendanceFilter filter = AttendanceFilter.parse(userId, from, to, errors);
        requireValid(errors);
        return history.list(roomId, filter, page);
    }

    @GET
    @Path("totals")
    @Operation(summary = "Attendance totals per user",
            description = "Admins, or hosts of the open room. Sessions, total seconds (open sessions up to now), "
                    + "first join, last leave and whether the user is online, by user id.")
    @APIResponse(responseCode = "200", description = "A page of per-user totals: {items, offset, limit, total}")
    @APIResponse(responseCode = "400", description = "Invalid query parameters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin nor a host of the room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The room is closed (hosts only; admins still read it)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<AttendanceTotalResponse> totals(
            @Parameter(description = "The room's id or slug") @PathParam("room") String room,
            @Parameter(description = "Users to skip, 0 or more (default 0)") @QueryParam("offset") String offset,
            @Parameter(description = "Page size, 1 to 200 (default 50)") @QueryParam("limit") String limit) {
        String roomId = readableRoom(room);
        List<Problem.FieldError> errors = new ArrayList<>();
        PageRequest page = PageRequest.parse(offset, limit, errors);
        requireValid(errors);
        return history.totals(roomId, page);
    }

    /**
     * The id of the room named {@code room} when the caller may read its attendance: admins for any room,
     * open or closed; others through {@link RoomAccess} (open room, membership or token grant) as hosts.
     */
    private String readableRoom(String room) {
        if (!(security != null && security.getUserPrincipal() instanceof Caller caller)) {
            throw ProblemException.unauthorized("This call needs a bearer token.");
        }
        if (security.isUserInRole(AdminOnly.ROLE)) {
            return directory.get(room).id();
        }
        Access granted = access.resolve(room, caller);
        if (granted.role() != Role.HOST) {
            throw ProblemException.forbidden("Only admins and the room's hosts may read its attendance.");
        }
        return granted.roomId();
    }

    private static void requireValid(List<Problem.FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }
}
