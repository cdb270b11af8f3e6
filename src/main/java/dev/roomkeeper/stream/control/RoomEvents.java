package dev.roomkeeper.stream.control;

import dev.roomkeeper.engine.control.Engine;
import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import dev.roomkeeper.platform.control.ProblemException;
import jakarta.json.JsonObject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one API through which features put changes on a room's event stream. Transports (WebSocket,
 * SSE) only deliver what comes out of it; they know nothing of the features.
 */
@ApplicationScoped
public class RoomEvents {

    private static final Logger LOG = Logger.getLogger(RoomEvents.class.getName());

    @Inject
    Engine engine;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry metrics;

    /** By event type: a registry lookup builds a MetricID on every call. */
    private final Map<String, Counter> published = new ConcurrentHashMap<>();

    /**
     * Publishes {@code type} with {@code data} on the room's stream and returns the event with its seq.
     *
     * @param roomId the room's id (not its slug)
     * @param type   a dotted event type: {@code <feature>.<what>}, such as {@code room.closed}
     * @param data   the payload; an empty object when null
     * @throws ProblemException 503 when the engine cannot publish (Redis unreachable)
     */
    public RoomEvent publish(String roomId, String type, JsonObject data) {
        RoomEvent event;
        try {
            event = engine.publish(roomId, type, data == null ? "{}" : data.toString());
        } catch (RuntimeException e) {
            metrics.counter("roomkeeper.events.failed").inc();
            LOG.log(Level.WARNING, e, () -> "cannot publish " + type + " in room " + roomId + " (" + engine.name() + " engine)");
            throw new ProblemException(503, "stream-unavailable", "Event stream unavailable",
                    "The room's event stream is unavailable right now; try again shortly.");
        }
        published.computeIfAbsent(type, t -> metrics.counter("roomkeeper.events.published", new Tag("type", t))).inc();
        return event;
    }
}
