package dev.roomkeeper.auth.boundary;

import dev.roomkeeper.auth.control.InvalidTokenException;
import dev.roomkeeper.auth.entity.Caller;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BearerAuthenticationFilterTest {

    @Test
    void bearerTokenIsTakenFromHeaderWithAnySchemeCase() throws Exception {
        assertEquals("abc.def.ghi", BearerAuthenticationFilter.bearerToken("Bearer abc.def.ghi"));
        assertEquals("abc.def.ghi", BearerAuthenticationFilter.bearerToken("bearer   abc.def.ghi "));
        assertEquals("abc.def.ghi", BearerAuthenticationFilter.bearerToken("BEARER abc.def.ghi"));
    }

    @Test
    void absentEmptyOrOtherSchemesCountAsMissing() {
        for (String header : new String[]{null, "", "Bearer", "Bearer   ", "Basic YWxpY2U6cHc=", "abc.def.ghi", "Bearerabc"}) {
            InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> BearerAuthenticationFilter.bearerToken(header));
            assertEquals(InvalidTokenException.Reason.MISSING, e.reason());
        }
    }

    @Test
    void securityContextExposesCallerAndAdminRoleOnly() {
        Caller admin = new Caller("alice", null, null, true, Map.of(), Instant.EPOCH);
        Caller member = new Caller("bob", null, null, false, Map.of(), Instant.EPOCH);

        CallerSecurityContext context = new CallerSecurityContext(admin, true);
        assertSame(admin, context.getUserPrincipal());
        assertEquals("Bearer", context.getAuthenticationScheme());
        assertTrue(context.isSecure());
        assertTrue(context.isUserInRole("admin"));
        assertFalse(context.isUserInRole("host"));
        assertFalse(new CallerSecurityContext(member, false).isUserInRole("admin"));
    }
}
