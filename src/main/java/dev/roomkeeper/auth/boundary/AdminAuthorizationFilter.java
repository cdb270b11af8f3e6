package dev.roomkeeper.auth.boundary;

import dev.roomkeeper.auth.entity.Caller;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

/** Answers 403 to {@link AdminOnly} calls from callers without the admin group. Runs after authentication. */
@Provider
@AdminOnly
@Priority(Priorities.AUTHORIZATION)
public class AdminAuthorizationFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        SecurityContext context = request.getSecurityContext();
        boolean admin = context != null && context.getUserPrincipal() instanceof Caller caller && caller.admin();
        if (!admin) {
            request.abortWith(AuthProblems.forbidden("This call needs the admin role.", request.getUriInfo()));
        }
    }
}
