package dev.roomkeeper.stream.control;

import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.stream.entity.RoomTouched;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one API through which features put changes on a room's event stream. Transports (WebSocket,
 * SSE) only deliver what comes out of it; they know nothing of the features. Every event published here
 * counts as activity in its room ({@link RoomTouched}).
 */
@ApplicationScoped
public class RoomEvents {

    private static final Logger LOG = Logger.getLogger(RoomEvents.class.getName());

    @Inject
    StreamBroker engine;

    @Inject
    Event<RoomTouched> touched;

    @Inject
    Meters metrics;

    /** By event type: a registry lookup builds a MetricID on every call. */
    private final Map<String, Meters.Counter> published = new ConcurrentHashMap<>();

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
            throw unavailable("publish " + type + " in room " + roomId, e);
        }
        published(event);
        return event;
    }

    /**
     * Accounts for an event a feature published through the engine atomically with its own state (presence
     * does, in the same Lua script or under the same lock): counted in {@code roomkeeper.events.published}
     * and noted as the room's activity, exactly as {@link #publish} does for its own.
     */
    public void published(RoomEvent event) {
        published.computeIfAbsent(event.type(), t -> metrics.counter("roomkeeper.events.published", "type", t)).inc();
        touched.fire(new RoomTouched(event.room(), event.time()));
    }

    /**
     * Runs a call on one of the engine's stores (presence, keyed state): an engine that cannot answer (Redis
     * unreachable) is the 503 {@code stream-unavailable} problem that publishing answers too, never a 500;
     * refusals of bad input ({@code ProblemException}, {@code IllegalArgumentException}) pass as they are.
     *
     * @param what what the call does, for the log
     */
    public <T> T reach(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (ProblemException | IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(what, e);
        }
    }

    /**
     * The engine failed (Redis unreachable): counts and logs the failure and returns the 503
     * {@code stream-unavailable} problem callers answer, on REST and on the socket alike.
     *
     * @param what what could not be done, for the log
     */
    public ProblemException unavailable(String what, RuntimeException cause) {
        metrics.counter("roomkeeper.events.failed").inc();
        LOG.log(Level.WARNING, cause, () -> "cannot " + what);
        return new ProblemException(503, "stream-unavailable", "Event stream unavailable",
                "The room's event stream is unavailable right now; try again shortly.");
    }

    /**
     * Forgets a room's stream (counter, epoch, history): for closed rooms, once everything about the closing was
     * published. A later publish would start a new stream.
     */
    public void release(String roomId) {
        engine.release(roomId);
    }
}
