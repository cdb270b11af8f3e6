package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.auth.boundary.AdminOnly;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.control.IdleSweep;
import dev.roomkeeper.rooms.control.IdleSweepRuns;
import dev.roomkeeper.rooms.entity.IdleSweepRun;
import dev.roomkeeper.rooms.entity.IdleSweepRunResponse;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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

import java.util.ArrayList;
import java.util.List;

/** The idle-room sweep for operators: its recent runs on every node, and a run now on this node. Admins only. */
@Path("idle-sweeps")
@RequestScoped
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "idle sweeps", description = "The idle-room sweep: recent runs, and a run now")
public class IdleSweepsResource {

    @Inject
    IdleSweep sweep;

    @Inject
    IdleSweepRuns runs;

    @Context
    SecurityContext security;

    @Context
    UriInfo uriInfo;

    @GET
    @Operation(summary = "List recent sweep runs", description = "Admin only. Runs of every node, newest first.")
    @APIResponse(responseCode = "200", description = "A page of runs: {items, offset, limit, total}")
    @APIResponse(responseCode = "400", description = "Invalid query parameters",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Page<IdleSweepRunResponse> list(
            @Parameter(description = "Runs to skip, 0 or more (default 0)") @QueryParam("offset") String offset,
            @Parameter(description = "Page size, 1 to 200 (default 50)") @QueryParam("limit") String limit) {
        List<Problem.FieldError> errors = new ArrayList<>();
        PageRequest page = PageRequest.parse(offset, limit, errors);
        Requests.requireValid(errors);
        return runs.list(page);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get one sweep run", description = "Admin only.")
    @APIResponse(responseCode = "200", description = "The run",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IdleSweepRunResponse.class)))
    @APIResponse(responseCode = "403", description = "Not an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such run (or it was deleted by the retention)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public IdleSweepRunResponse get(@Parameter(description = "The run's id") @PathParam("id") String id) {
        return runs.get(id);
    }

    @POST
    @Operation(summary = "Run the sweep now",
            description = "Admin only. Runs the idle-room sweep on the node that answers, synchronously, and answers "
                    + "its run: rooms examined, closed, errors. Safe while other nodes sweep.")
    @APIResponse(responseCode = "201", description = "The finished run; Location names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IdleSweepRunResponse.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "sweep-running: a run is going on on this node",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "sweep-unavailable: the run cannot be recorded (database down)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response run() {
        Caller admin = Requests.admin(security);
        IdleSweepRunResponse run = sweep.run(IdleSweepRun.Trigger.ADMIN, admin.userId());
        return Response.created(uriInfo.getBaseUriBuilder().path(IdleSweepsResource.class).segment(String.valueOf(run.id()))
                .build()).entity(run).build();
    }
}
