package dev.roomkeeper.playback.control;

import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.presence.entity.ChangeKind;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.rooms.entity.RoomChange;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Playback through a room's life: a viewer who leaves while the group waits for it counts as ready (so a departed
 * viewer never holds the room), control is handed over when the last user holding it leaves ({@link HostHandoff}), and a closed room's {@code playback} space is released (its rows go with the room in
 * the database). A vacated room keeps its timelines: the party may come back; the cleanup resets idle streams.
 */
@ApplicationScoped
public class PlaybackLifecycle {

    private static final Logger LOG = Logger.getLogger(PlaybackLifecycle.class.getName());

    @Inject
    KeyedState state;

    @Inject
    BufferingGates gates;

    @Inject
    HostHandoff handoff;

    /** A user left (or expired): one read of the room's playback space serves the gates and the handoff. */
    void onPresence(@Observes PresenceChange change) {
        if (change.kind() != ChangeKind.USER_LEFT) {
            return;
        }
        try {
            List<KeyedEntry> entries = state.snapshot(change.room(), Timelines.SPACE, "").entries();
            if (entries.isEmpty()) {
                return; // no playback in this room: the common case costs one read
            }
            for (KeyedEntry gate : entries) {
                if (gate.key().startsWith(BufferingGates.GATES)) {
                    gates.left(change.room(), gate.key().substring(BufferingGates.GATES.length()), change.userId());
                }
            }
            handoff.left(change.room(), change.userId(),
                    entries.stream().filter(e -> e.key().startsWith(Timelines.PREFIX)).toList());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "could not settle playback after a user left room " + change.room());
        }
    }

    void onRoomChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(RoomChange.CLEAN_UP + 20)
                      RoomChange change) {
        if (!(change instanceof RoomChange.Closed closed)) {
            return;
        }
        try {
            state.release(closed.roomId(), Timelines.SPACE);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "could not release the playback state of closed room " + closed.roomId());
        }
    }
}
