package dev.roomkeeper.watch.boundary;

import dev.roomkeeper.auth.boundary.AdminOnly;
import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.PlainText;
import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.watch.control.WatchCredits;
import dev.roomkeeper.watch.entity.CreditsResponse;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
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

/** A user's watch credits, as the database holds them (at most one flush interval behind the live state). */
@Path("users/{userId}/watch-credits")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "watch")
public class WatchCreditsResource {

    static final int MAX_USER_ID = 128;

    @Inject
    WatchCredits credits;

    @Context
    SecurityContext security;

    @GET
    @Operation(summary = "A user's watch credits per room and in total",
            description = "The user themself, and admins. Credits are written by the flush, at most one "
                    + "`roomkeeper.watch.flush-interval` behind the live watch time.")
    @APIResponse(responseCode = "200", description = "The credits",
            content = @Content(schema = @Schema(implementation = CreditsResponse.class)))
    @APIResponse(responseCode = "400", description = "Not a user id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Neither that user nor an admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The database is unavailable (`database-unavailable`)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CreditsResponse credits(@PathParam("userId") String userId) {
        if (!(security != null && security.getUserPrincipal() instanceof Caller caller)) {
            throw ProblemException.unauthorized("This call needs a bearer token.");
        }
        if (userId == null || userId.isBlank() || userId.length() > MAX_USER_ID || !PlainText.isPlain(userId)) {
            throw ProblemException.invalid(List.of(new FieldError("userId",
                    "must be a user id of 1 to " + MAX_USER_ID + " characters")));
        }
        if (!caller.userId().equals(userId) && !security.isUserInRole(AdminOnly.ROLE)) {
            throw ProblemException.forbidden("Only admins may read another user's watch credits.");
        }
        return credits.ofUser(userId);
    }
}
