package dev.roomkeeper.watch.boundary;

import dev.roomkeeper.auth.boundary.AdminOnly;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.control.RoomDirectory;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.rooms.entity.RoomResponse;
import dev.roomkeeper.watch.control.WatchReports;
import dev.roomkeeper.watch.control.WatchSettings;
import dev.roomkeeper.watch.control.WatchTracker;
import dev.roomkeeper.watch.entity.WatchHeartbeatRequest;
import dev.roomkeeper.watch.entity.WatchHeartbeatResponse;
import dev.roomkeeper.watch.entity.WatchLiveResponse;
import dev.roomkeeper.watch.entity.WatchRecord;
import dev.roomkeeper.watch.entity.WatchReportResponse;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * Watch time of a room over REST: heartbeats for clients without a socket, the live state for members, the watch
 * report for hosts and admins.
 */
@Path("rooms/{room}/watch")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "watch", description = "Watch time, credits and viewer counts")
public class WatchResource {

    @Inject
    RoomAccess access;

    @Inject
    RoomDirectory directory;

    @Inject
    WatchTracker tracker;

    @Inject
    WatchReports reports;

    @Inject
    WatchSettings settings;

    @Inject
    Meters metrics;

    @Context
    SecurityContext security;

    @POST
    @Path("heartbeat")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Report a tab's visibility",
            description = "Members, observers included. Send one every `interval` ms, and at once when the tab is "
                    + "hidden or shown. The server accrues the user's watch time on its own clock while at least one "
                    + "of the user's tabs is visible (and not paused).")
    @APIResponse(responseCode = "200", description = "The user's watch time in the room now",
            content = @Content(schema = @Schema(implementation = WatchHeartbeatResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a member of the room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Room closed, or the record kept changing (`watch-busy`: retry)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "The room tracks as many watchers as it may (`watch-full`)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public WatchHeartbeatResponse heartbeat(@PathParam("room") String room, WatchHeartbeatRequest request) {
        if (request == null) {
            throw ProblemException.invalid(List.of(new FieldError("body", "a JSON body is required")));
        }
        List<FieldError> errors = request.fieldErrors();
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Caller caller = caller();
        Access granted = access.resolve(room, caller);
        WatchRecord record = tracker.heartbeat(granted.roomId(), caller.userId(), request.sessionId(), request.watching());
        metrics.counter("roomkeeper.watch.heartbeats", "transport", "rest").inc();
        return new WatchHeartbeatResponse(granted.roomId(), record.seconds(), record.active(),
                settings.heartbeatInterval().toMillis());
    }

    @GET
    @Path("live")
    @Operation(summary = "A room's live watch state",
            description = "Members. Each user's watch time in the room's current run and the viewers now, valid at "
                    + "`seq`: apply `watch.set` and `viewers.set` events with a greater seq on top.")
    @APIResponse(responseCode = "200", description = "The live state",
            content = @Content(schema = @Schema(implementation = WatchLiveResponse.class)))
    @APIResponse(responseCode = "403", description = "Not a member of the room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Room closed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public WatchLiveResponse live(@PathParam("room") String room) {
        return reports.live(access.resolve(room, caller()).roomId());
    }

    @GET
    @Operation(summary = "A room's watch report",
            description = "Admins (any room, open or closed), and hosts of the open room. Every user with watch time in "
                    + "the room: the whole of it (credited runs and the live run as it is now), what the database holds, "
                    + "whether the user accrues and is a viewer now; and the viewers now.")
    @APIResponse(responseCode = "200", description = "The report",
            content = @Content(schema = @Schema(implementation = WatchReportResponse.class)))
    @APIResponse(responseCode = "403", description = "Not an admin nor a host of the room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The room is closed (hosts only; admins still read it)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public WatchReportResponse report(@PathParam("room") String room) {
        Caller caller = caller();
        if (security.isUserInRole(AdminOnly.ROLE)) {
            RoomResponse found = directory.get(room);
            return reports.report(found.id(), "open".equals(found.state()));
        }
        Access granted = access.resolve(room, caller);
        if (granted.role() != Role.HOST) {
            throw ProblemException.forbidden("Only admins and the room's hosts may read its watch report.");
        }
        return reports.report(granted.roomId(), true);
    }

    private Caller caller() {
        if (!(security != null && security.getUserPrincipal() instanceof Caller caller)) {
            throw ProblemException.unauthorized("This call needs a bearer token.");
        }
        return caller;
    }
}
