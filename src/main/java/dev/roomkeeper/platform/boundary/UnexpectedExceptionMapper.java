package dev.roomkeeper.platform.boundary;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The database being unreachable or too slow, however wrapped, is the retryable 503 {@code database-unavailable}
 * with {@code Retry-After} (never a 500). Anything else is our fault: logged with an incident id, answered with
 * that id and no internals.
 */
@Provider
public class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(UnexpectedExceptionMapper.class.getName());

    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(Throwable e) {
        Optional<Response> outage = Problems.databaseUnavailable(e, uriInfo, LOG);
        if (outage.isPresent()) {
            return outage.get();
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, e, () -> "incident " + incident + " on " + (uriInfo == null ? "?" : uriInfo.getPath()));
        return Problems.response(500, "internal", "Internal error",
                "The server failed to handle this request. Incident " + incident + " was logged.", uriInfo, null);
    }
}
