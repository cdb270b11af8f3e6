package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.platform.entity.Problem;
import dev.roomkeeper.rooms.control.Invites;
import dev.roomkeeper.rooms.entity.InvitePreviewResponse;
import dev.roomkeeper.rooms.entity.RedemptionResponse;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** An invite link seen from the person who holds it: checked, then redeemed. Any authenticated user. */
@Path("invites/{token}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "invites")
public class InviteRedemptionsResource {

    @Inject
    Invites invites;

    @Context
    SecurityContext security;

    @GET
    @Operation(summary = "Check an invite link",
            description = "Whether redeeming it would work for the caller now and, if not, why, in the words "
                    + "redeeming would answer with. Changes nothing.")
    @APIResponse(responseCode = "200", description = "The invite's state",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = InvitePreviewResponse.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "invite-not-found: no invite has this token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public InvitePreviewResponse preview(@Parameter(description = "The invite's token") @PathParam("token") String token) {
        return invites.preview(token, Requests.caller(security));
    }

    @POST
    @Path("redeem")
    @Operation(summary = "Redeem an invite link",
            description = "Makes the caller a member in the invite's role; a member in a stronger role keeps it. "
                    + "Announces member.added or member.role-changed on the room's stream.")
    @APIResponse(responseCode = "200", description = "The caller's membership",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RedemptionResponse.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "invite-not-found: no invite has this token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "A concurrent request made the caller a member first; retry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "410", description = "The link no longer works: invite-revoked, room-closed, "
            + "invite-expired, invite-used-up or room-inactive, with a sentence to show in detail",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RedemptionResponse redeem(@Parameter(description = "The invite's token") @PathParam("token") String token) {
        return invites.redeem(token, Requests.caller(security));
    }
}
