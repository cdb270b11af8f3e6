package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.auth.entity.Role;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;
import java.time.Instant;
import java.util.Map;

/** The security context the auth filter would set: a caller, admin or not, or nobody. */
record FakeSecurity(Caller caller) implements SecurityContext {

    static FakeSecurity admin() {
        return new FakeSecurity(new Caller("root", "Root", null, true, Map.of(), Instant.MAX));
    }

    static FakeSecurity user(String userId, Map<String, Role> grants) {
        return new FakeSecurity(new Caller(userId, null, null, false, grants, Instant.MAX));
    }

    static FakeSecurity nobody() {
        return new FakeSecurity(null);
    }

    @Override
    public Principal getUserPrincipal() {
        return caller;
    }

    @Override
    public boolean isUserInRole(String role) {
        return caller != null && caller.admin() && "admin".equals(role);
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public String getAuthenticationScheme() {
        return caller == null ? null : "Bearer";
    }
}
