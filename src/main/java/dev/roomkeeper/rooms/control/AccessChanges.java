package dev.roomkeeper.rooms.control;

import dev.roomkeeper.auth.entity.Role;
import dev.roomkeeper.rooms.entity.AccessChange;
import dev.roomkeeper.stream.control.Hub;
import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns the room events that announce access changes into the typed {@link AccessChange} CDI event, on every
 * node, before the announcing event is delivered there. These event types and their data are this feature's
 * own ({@link RoomChangePublisher} publishes them), so this is the one place that reads them: the access cache
 * and the transports observe {@code AccessChange} and never look at event types or data.
 */
@ApplicationScoped
public class AccessChanges {

    private static final Logger LOG = Logger.getLogger(AccessChanges.class.getName());
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    Hub hub;

    @Inject
    Event<AccessChange> changes;

    @PostConstruct
    void init() {
        hub.beforeDelivery(this::onRoomEvent);
    }

    /** Starts with the application, so that no announcing event reaches this node before it listens. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // observing creates the bean, which runs @PostConstruct
    }

    void onRoomEvent(RoomEvent event) {
        changeOf(event).ifPresent(changes::fire);
    }

    /** The access change a room event announces, if it announces one. */
    static Optional<AccessChange> changeOf(RoomEvent event) {
        AccessChange.Kind kind = switch (event.type()) {
            case RoomChangePublisher.MEMBER_ADDED -> AccessChange.Kind.GRANTED;
            case RoomChangePublisher.MEMBER_ROLE_CHANGED -> AccessChange.Kind.ROLE_CHANGED;
            case RoomChangePublisher.MEMBER_REMOVED -> AccessChange.Kind.REVOKED;
            case RoomChangePublisher.ROOM_CLOSED -> AccessChange.Kind.ROOM_CLOSED;
            default -> null;
        };
        if (kind == null) {
            return Optional.empty();
        }
        if (kind == AccessChange.Kind.ROOM_CLOSED) {
            return Optional.of(new AccessChange(event.room(), null, kind, null, event.seq()));
        }
        try (JsonReader reader = JSON.createReader(new StringReader(event.data()))) {
            JsonObject data = reader.readObject();
            String userId = data.getString("userId", null);
            if (userId == null) {
                LOG.warning(() -> event.type() + " #" + event.seq() + " of room " + event.room() + " names no member");
                return Optional.empty();
            }
            Role role = kind == AccessChange.Kind.REVOKED ? null
                    : Role.fromWire(data.getString("role", "")).orElse(null);
            return Optional.of(new AccessChange(event.room(), userId, kind, role, event.seq()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "unreadable " + event.type() + " #" + event.seq() + " of room " + event.room());
            return Optional.empty();
        }
    }
}
