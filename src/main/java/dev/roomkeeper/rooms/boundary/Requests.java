package dev.roomkeeper.rooms.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem;
import jakarta.ws.rs.core.SecurityContext;

import java.util.List;

/** What the rooms resources ask of every request: who calls, whether they are an admin, valid bodies and query parameters. */
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

    /**
     * The body, which must be there; 400 without one. The body records validate themselves
     * ({@code fieldErrors()}) instead of carrying Bean Validation annotations, which Payara's OpenAPI generator fails on.
     */
    static <T> T requireBody(T body) {
        if (body == null) {
            throw ProblemException.invalid(List.of(new Problem.FieldError("body", "a JSON body is required")));
        }
        return body;
    }

    /** 400 listing the invalid body fields or query parameters, if there are any. */
    static void requireValid(List<Problem.FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }
}
