package dev.roomkeeper.auth.boundary;

import dev.roomkeeper.auth.control.InvalidTokenException;
import dev.roomkeeper.platform.entity.Problem;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * 401 and 403 problem+json for request filters, which abort with a response instead of throwing, so the
 * platform's exception mappers never see them. Same shape as theirs.
 */
final class AuthProblems {

    static final String REALM = "Bearer realm=\"roomkeeper\"";

    private AuthProblems() {
    }

    /**
     * 401 with a challenge. RFC 6750 section 3.1: a request without credentials gets the bare challenge,
     * a request with a bad token also gets {@code error="invalid_token"}.
     */
    static Response unauthorized(InvalidTokenException refusal, UriInfo uri) {
        String challenge = refusal.reason() == InvalidTokenException.Reason.MISSING
                ? REALM
                : REALM + ", error=\"invalid_token\"";
        return problem(401, "unauthorized", "Authentication required", refusal.getMessage(), uri)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .build();
    }

    static Response forbidden(String detail, UriInfo uri) {
        return problem(403, "forbidden", "Forbidden", detail, uri).build();
    }

    private static Response.ResponseBuilder problem(int status, String type, String title, String detail, UriInfo uri) {
        String instance = uri == null ? null : "/" + uri.getPath();
        Problem problem = new Problem("urn:roomkeeper:problem:" + type, title, status, detail, instance, null);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem);
    }
}
