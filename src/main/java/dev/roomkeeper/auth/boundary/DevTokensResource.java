package dev.roomkeeper.auth.boundary;

import dev.roomkeeper.auth.control.DevTokenIssuer;
import dev.roomkeeper.auth.entity.DevTokenResponse;
import dev.roomkeeper.auth.entity.IssueDevTokenRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;

/**
 * How a newcomer gets a token: open to anyone, and only there while {@code roomkeeper.auth.dev-tokens}
 * is on outside production; otherwise 404.
 */
@Path("dev/tokens")
@Public
@RequestScoped
@SecurityRequirementsSet
public class DevTokensResource {

    @Inject
    DevTokenIssuer issuer;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mint a development token",
            description = "Only when roomkeeper.auth.dev-tokens=true and roomkeeper.mode is development; 404 otherwise.")
    public DevTokenResponse issue(IssueDevTokenRequest request) {
        return issuer.issue(request);
    }
}
