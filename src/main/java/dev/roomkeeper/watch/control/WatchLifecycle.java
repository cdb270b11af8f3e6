package dev.roomkeeper.watch.control;

import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.stream.control.RoomEvents;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The watch state is ephemeral room state: when the room is vacated ({@code room.vacated}, on the node whose
 * presence change published it) or closed, the room's {@code watch} and {@code viewers} spaces are dropped, their
 * credit handed to the flush first ({@link WatchFlush#enqueue}: written with its next run, off this path), and a
 * vacated room that had watch state gets one {@code watch.cleared} event. Credits in the database stay.
 */
@ApplicationScoped
public class WatchLifecycle {

    public static final String CLEARED = "watch.cleared";
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(WatchLifecycle.class.getName());

    @Inject
    WatchTracker tracker;

    @Inject
    WatchFlush flush;

    @Inject
    RoomEvents events;

    void onPresence(@Observes PresenceChange change) {
        if (change.occupancy() == null || !PresenceChange.VACATED.equals(change.occupancy().type())) {
            return;
        }
        try {
            WatchTracker.Cleared cleared = tracker.clear(change.room());
            flush.enqueue(cleared.rows());
            if (cleared.records() > 0) {
                events.publish(change.room(), CLEARED, JSON.createObjectBuilder()
                        .add("reason", change.reason() == null ? "vacated" : change.reason().wireName())
                        .add("at", change.occupancy().time()).build());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "could not clear the watch state of vacated room " + change.room());
        }
    }

    void onRoomChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(RoomChange.CLEAN_UP + 10)
                      RoomChange change) {
        if (!(change instanceof RoomChange.Closed closed)) {
            return;
        }
        try {
            flush.enqueue(tracker.clear(closed.roomId()).rows());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "could not clear the watch state of closed room " + closed.roomId());
        }
    }
}
