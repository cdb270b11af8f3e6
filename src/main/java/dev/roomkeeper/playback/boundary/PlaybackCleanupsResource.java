package dev.roomkeeper.playback.boundary;

import dev.roomkeeper.auth.boundary.AdminOnly;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.playback.control.PlaybackCleanup;
import dev.roomkeeper.playback.entity.PlaybackCleanupRun;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/** The playback cleanup for operators: its recent runs on every node, and a run now on this node. Admins only. */
@Path("playback-cleanups")
@RequestScoped
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "playback cleanups", description = "The playback cleanup: recent runs with their counts, and a run now")
public class PlaybackCleanupsResource {

    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    PlaybackCleanup cleanup;

    @Context
    SecurityContext security;

    @GET
    @Operation(summary = "Recent cleanup runs", description = "Admin only. Runs of every node, newest first, with "
            + "eventsDeleted, streamsReset, errors and durationMs.")
    @APIResponse(responseCode = "200", description = "{items, offset, limit, total}")
    @APIResponse(responseCode = "403", description = "Not an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public JsonObject list(@QueryParam("offset") String offset, @QueryParam("limit") String limit) {
        List<Problem.FieldError> errors = new ArrayList<>();
        PageRequest page = PageRequest.parse(offset, limit, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        JsonArrayBuilder items = JSON.createArrayBuilder();
        cleanup.runs(page.offset(), page.limit()).forEach(r -> items.add(r.toJson()));
        return JSON.createObjectBuilder().add("items", items).add("offset", page.offset()).add("limit", page.limit())
                .add("total", cleanup.countRuns()).build();
    }

    @POST
    @Operation(summary = "Run the cleanup now", description = "Admin only. On the node that answers, synchronously; "
            + "safe while other nodes run it (each row is handled once).")
    @APIResponse(responseCode = "201", description = "The finished run")
    @APIResponse(responseCode = "409", description = "cleanup-running on this node",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "cleanup-unavailable: the run cannot be recorded",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response run() {
        String admin = security.getUserPrincipal() instanceof Caller caller ? caller.userId() : null;
        PlaybackCleanupRun run = cleanup.runNow(admin);
        return Response.status(Response.Status.CREATED).entity(run.toJson()).build();
    }
}
