package dev.roomkeeper.platform.boundary;

import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
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
 * The runtime wraps an unreadable JSON body in a ProcessingException: that is the caller's 400.
 * The database being unavailable is the 503 {@code database-unavailable}; any other processing failure is ours,
 * logged with an incident id.
 */
@Provider
public class ProcessingExceptionMapper implements ExceptionMapper<ProcessingException> {

    private static final Logger LOG = Logger.getLogger(ProcessingExceptionMapper.class.getName());

    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(ProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonbException || t instanceof JsonException) {
                return Problems.unreadableBody(e, uriInfo);
            }
        }
        Optional<Response> outage = Problems.databaseUnavailable(e, uriInfo, LOG);
        if (outage.isPresent()) {
            return outage.get();
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, e, () -> "incident " + incident);
        return Problems.response(500, "internal", "Internal error",
                "The server failed to handle this request. Incident " + incident + " was logged.", uriInfo, null);
    }
}
