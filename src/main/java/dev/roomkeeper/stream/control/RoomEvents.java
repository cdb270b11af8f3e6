package dev.roomkeeper.stream.control;

import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.stream.entity.Published;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.stream.entity.RoomTouched;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.format.DateTimeParseException;
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

    /** How long a publish id is remembered, so that a retry with it publishes nothing again (PT1S to PT24H). */
    @Inject
    @ConfigProperty(name = "roomkeeper.stream.publish-id-ttl", defaultValue = "PT5M")
    String publishIdTtl;

    static final Duration DEFAULT_PUBLISH_ID_TTL = Duration.ofMinutes(5);
    private volatile Duration keepPublishIds;

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
     * Publishes as {@link #publish} does, at most once per {@code idempotencyKey} in the room (for
     * {@code roomkeeper.stream.publish-id-ttl}): a retry after an unknown outcome answers the first attempt's event
     * ({@link Published#duplicate}) instead of publishing it twice.
     *
     * @throws ProblemException 503 {@code stream-unavailable} (nothing published) or {@code outcome-unknown} (sent,
     *                          no answer in time: retry with the same key to learn which)
     */
    public Published publishOnce(String roomId, String type, JsonObject data, String idempotencyKey) {
        Published result;
        try {
            result = engine.publishOnce(roomId, type, data == null ? "{}" : data.toString(), idempotencyKey,
                    keepPublishIds());
        } catch (RuntimeException e) {
            throw unavailable("publish " + type + " in room " + roomId, e);
        }
        if (!result.duplicate()) {
            published(result.event());
        }
        return result;
    }

    private Duration keepPublishIds() {
        Duration keep = keepPublishIds;
        if (keep == null) {
            keep = DEFAULT_PUBLISH_ID_TTL;
            if (publishIdTtl != null && !publishIdTtl.isBlank()) {
                try {
                    Duration parsed = Duration.parse(publishIdTtl.strip());
                    if (parsed.compareTo(Duration.ofSeconds(1)) >= 0 && parsed.compareTo(Duration.ofHours(24)) <= 0) {
                        keep = parsed;
                    } else {
                        LOG.warning(() -> "roomkeeper.stream.publish-id-ttl=" + publishIdTtl + " is outside PT1S..PT24H; using "
                                + DEFAULT_PUBLISH_ID_TTL);
                    }
                } catch (DateTimeParseException e) {
                    LOG.warning(() -> "roomkeeper.stream.publish-id-ttl=" + publishIdTtl + " is not an ISO-8601 duration; using "
                            + DEFAULT_PUBLISH_ID_TTL);
                }
            }
            keepPublishIds = keep;
        }
        return keep;
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
        if (cause instanceof EngineException engine && engine.outcomeUnknown()) {
            metrics.counter("roomkeeper.events.failed", "outcome", "unknown").inc();
            LOG.warning(() -> "cannot tell whether this took effect: " + what + " (" + cause.getMessage() + ")");
            return ProblemException.unavailable("outcome-unknown", "Outcome unknown",
                    "The event stream did not answer in time after the change was sent, so it may or may not have "
                            + "taken effect. Retry with the same publishId (or idempotency key): it takes effect at most "
                            + "once, and the retry's answer says which.", 1);
        }
        metrics.counter("roomkeeper.events.failed", "outcome", "not-applied").inc();
        if (cause instanceof EngineException) {
            // the engine logged its outage once when it began; one line per refused call would flood the log
            LOG.fine(() -> "cannot " + what + " (" + cause.getMessage() + ")");
        } else {
            LOG.log(Level.WARNING, cause, () -> "cannot " + what);
        }
        return ProblemException.unavailable("stream-unavailable", "Event stream unavailable",
                "The room's event stream is unavailable right now; nothing was changed. Try again shortly.", 1);
    }

    /**
     * Where the room's stream stands now (its epoch tells whether the engine lost the room's stream since an
     * earlier look).
     *
     * @throws ProblemException 503 when the engine cannot answer
     */
    public dev.roomkeeper.stream.entity.StreamPosition position(String roomId) {
        return reach("read the position of room " + roomId, () -> engine.position(roomId));
    }

    /**
     * Forgets a room's stream (counter, epoch, history): for closed rooms, once everything about the closing was
     * published. A later publish would start a new stream.
     */
    public void release(String roomId) {
        engine.release(roomId);
    }
}
