package dev.roomkeeper.auth.boundary;

import dev.roomkeeper.auth.entity.Caller;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;

/** The request's security context once its bearer token verified: the principal is the {@link Caller}. */
record CallerSecurityContext(Caller caller, boolean secure) implements SecurityContext {

    static final String SCHEME = "Bearer";

    @Override
    public Principal getUserPrincipal() {
        return caller;
    }

    @Override
    public boolean isUserInRole(String role) {
        return AdminOnly.ROLE.equals(role) && caller.admin();
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return SCHEME;
    }
}
