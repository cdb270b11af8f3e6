package dev.roomkeeper.rooms.control;

import dev.roomkeeper.rooms.entity.Room;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.stream.control.RoomEvents;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts committed room changes on the room's event stream: {@code room.closed}, {@code member.added},
 * {@code member.role-changed} and {@code member.removed}. Runs after {@link RoomAccess} has dropped its
 * stale entries, so a client reacting to an event is judged on the new state. Every node turns these events
 * into the typed {@code AccessChange} ({@link AccessChanges}). Once every feature has followed a close, the
 * closed room's stream is released ({@link RoomChange#RELEASE}).
 */
@ApplicationScoped
public class RoomChangePublisher {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();


    private static final Logger LOG = Logger.getLogger(RoomChangePublisher.class.getName());

    static final String ROOM_CLOSED = "room.closed";
    static final String MEMBER_ADDED = "member.added";
    static final String MEMBER_ROLE_CHANGED = "member.role-changed";
    static final String MEMBER_REMOVED = "member.removed";

    @Inject
    RoomEvents events;

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(RoomChange.ANNOUNCE)
                  RoomChange change) {
        eventFor(change).ifPresent(event -> {
            try {
                events.publish(change.roomId(), event.type(), event.data());
            } catch (RuntimeException e) {
                // the change is committed; a lost announcement must not turn the call into an error
                LOG.log(Level.WARNING, e, () -> "could not publish " + event.type() + " in room " + change.roomId());
            }
        });
    }

    /**
     * Releases a closed room's stream after everything about the closing was published: {@code room.closed},
     * presence's leaves and {@code room.vacated}, and whatever other features publish when they clean up.
     */
    void onClosed(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(RoomChange.RELEASE) RoomChange change) {
        if (change instanceof RoomChange.Closed closed) {
            try {
                events.release(closed.roomId());
            } catch (RuntimeException e) {
                // the stream's keys expire on their own after the idle TTL
                LOG.log(Level.WARNING, e, () -> "could not release the stream of closed room " + closed.roomId());
            }
        }
    }

    /** The stream event announcing a change, if it is announced at all (creation is not: nobody listens yet). */
    static Optional<StreamEvent> eventFor(RoomChange change) {
        if (change instanceof RoomChange.Closed closed) {
            JsonObjectBuilder data = JSON.createObjectBuilder();
            if (closed.reason() == null) {
                data.addNull("reason");
            } else {
                data.add("reason", closed.reason());
            }
            data.add("closedAt", closed.closedAt().toString());
            // members learn whether an admin or the idle sweep closed it, never which admin
            data.add("closedBy", Room.CLOSED_BY_IDLE_SWEEP.equals(closed.closedBy()) ? closed.closedBy() : "admin");
            return Optional.of(new StreamEvent(ROOM_CLOSED, data.build()));
        }
        if (change instanceof RoomChange.MemberAdded added) {
            return Optional.of(new StreamEvent(MEMBER_ADDED, member(added.userId(), added.role().wireName())));
        }
        if (change instanceof RoomChange.MemberRoleChanged changed) {
            return Optional.of(new StreamEvent(MEMBER_ROLE_CHANGED,
                    member(changed.userId(), changed.role().wireName())));
        }
        if (change instanceof RoomChange.MemberRemoved removed) {
            return Optional.of(new StreamEvent(MEMBER_REMOVED, member(removed.userId(), removed.role().wireName())));
        }
        return Optional.empty();
    }

    private static JsonObject member(String userId, String role) {
        return JSON.createObjectBuilder().add("userId", userId).add("role", role).build();
    }

    record StreamEvent(String type, JsonObject data) {
    }
}
