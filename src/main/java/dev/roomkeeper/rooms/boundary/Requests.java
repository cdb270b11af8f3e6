package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import jakarta.ws.rs.core.SecurityContext;

import java.util.List;

/** What the rooms resources ask of every request: who calls, whether they are an admin, valid query parameters. */
final class Requests {

    static final String ADMIN_ROLE = "admin";

    private Requests() {
    }

    /** The authenticated caller; 401 when the request was not authenticated. */
    static Caller caller(SecurityContext security) {
        if (security != null && security.getUserPrincipal() instanceof Caller caller) {
            return caller;
        }
        throw ProblemException.unauthorized("This call needs a bearer token.");
    }

    static boolean isAdmin(SecurityContext security) {
        return security != null && security.isUserInRole(ADMIN_ROLE);
    }

    /** The caller, who must be an admin; 401 without a caller, 403 for anyone else. */
    static Caller admin(SecurityContext security) {
        Caller caller = caller(security);
        if (!isAdmin(security)) {
            throw ProblemException.forbidden("This call needs the admin role.");
        }
        return caller;
    }

    /** 400 listing the invalid query parameters, if there are any. */
    static void requireValid(List<Problem.FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }
}
