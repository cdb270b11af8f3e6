package dev.roomkeeper.auth.boundary;

import dev.roomkeeper.auth.control.InvalidTokenException;
import dev.roomkeeper.auth.control.TokenVerifier;
import dev.roomkeeper.auth.entity.Caller;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * Every call under {@code /api} needs {@code Authorization: Bearer <jwt>}, unless its resource class or
 * method is {@link Public}. A verified token replaces the security context: resources read the caller with
 * {@code (Caller) securityContext.getUserPrincipal()} and admins with {@code isUserInRole("admin")}.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class BearerAuthenticationFilter implements ContainerRequestFilter {

    /** The query parameter that carries the token on event streams ({@code GET /api/rooms/{room}/events}). */
    static final String ACCESS_TOKEN = "access_token";

    private static final Logger LOG = Logger.getLogger(BearerAuthenticationFilter.class.getName());

    @Context
    ResourceInfo resourceInfo;

    @Inject
    TokenVerifier tokens;

    @Override
    public void filter(ContainerRequestContext request) {
        if (isPublic()) {
            return;
        }
        try {
            Caller caller = tokens.verify(tokenOf(request));
            boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
            request.setSecurityContext(new CallerSecurityContext(caller, secure));
        } catch (InvalidTokenException e) {
            LOG.fine(() -> "refused " + request.getMethod() + " /" + request.getUriInfo().getPath() + ": " + e.reason().code());
            request.abortWith(AuthProblems.unauthorized(e, request.getUriInfo()));
        }
    }

    /**
     * The bearer token; on event streams also the {@code access_token} query parameter, because the
     * browser's EventSource cannot send an Authorization header.
     */
    private String tokenOf(ContainerRequestContext request) throws InvalidTokenException {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if ((header == null || header.isBlank()) && "GET".equals(request.getMethod())
                && isEventStream(resourceInfo == null ? null : resourceInfo.getResourceMethod(),
                resourceInfo == null ? null : resourceInfo.getResourceClass())) {
            String query = request.getUriInfo().getQueryParameters().getFirst(ACCESS_TOKEN);
            if (query != null && !query.isBlank()) {
                return query.strip();
            }
        }
        return bearerToken(header);
    }

    /**
     * True for a resource method that produces only {@code text/event-stream} (its own {@code @Produces}, else its
     * class's): the SSE endpoints, whatever their path. A JSON resource never takes a token from the query, where
     * it ends up in access logs, even when its path ends in {@code /events}.
     */
    static boolean isEventStream(Method method, Class<?> type) {
        if (method == null || !method.isAnnotationPresent(GET.class)) {
            return false;
        }
        Produces produces = method.isAnnotationPresent(Produces.class) ? method.getAnnotation(Produces.class)
                : type == null ? null : type.getAnnotation(Produces.class);
        if (produces == null || produces.value().length == 0) {
            return false;
        }
        return Arrays.stream(produces.value())
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::strip)
                .allMatch(MediaType.SERVER_SENT_EVENTS::equalsIgnoreCase);
    }

    private boolean isPublic() {
        Method method = resourceInfo == null ? null : resourceInfo.getResourceMethod();
        Class<?> type = resourceInfo == null ? null : resourceInfo.getResourceClass();
        return (method != null && method.isAnnotationPresent(Public.class))
                || (type != null && type.isAnnotationPresent(Public.class));
    }

    /** The token of an {@code Authorization: Bearer <token>} header; the scheme is case-insensitive. */
    static String bearerToken(String authorization) throws InvalidTokenException {
        String value = authorization == null ? "" : authorization.strip();
        int space = value.indexOf(' ');
        String token = space < 0 ? "" : value.substring(space + 1).strip();
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase(CallerSecurityContext.SCHEME) || token.isEmpty()) {
            throw new InvalidTokenException(InvalidTokenException.Reason.MISSING,
                    "This call needs an Authorization: Bearer <token> header.");
        }
        return token;
    }
}
