package dev.roomkeeper.polls.control;

import dev.roomkeeper.polls.entity.CloseReason;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.rooms.entity.RoomChange;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Polls end with their room's use: a closed room closes its open polls ({@code room-closed}) and drops its live
 * polls, at {@link RoomChange#CLEAN_UP}, before its stream is released; a vacated room (the last user present left,
 * {@code room.vacated}) closes its open polls ({@code vacated}) and drops its live polls too. Both are recorded, so
 * a room's polls stay readable over REST.
 */
@ApplicationScoped
public class PollLifecycle {

    private static final Logger LOG = Logger.getLogger(PollLifecycle.class.getName());

    @Inject
    PollBook book;

    @Resource
    ManagedExecutorService executor;

    void onRoomChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(RoomChange.CLEAN_UP)
                      RoomChange change) {
        if (change instanceof RoomChange.Closed closed) {
            try {
                book.closeAll(closed.roomId(), CloseReason.ROOM_CLOSED);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "could not close the polls of closed room " + closed.roomId()
                        + "; the poll sweep records them");
            }
        }
    }

    /**
     * Presence calls its observers on the thread of the change and wants them quick: the polls of a vacated room
     * are closed on the managed executor. A vacate caused by the room's close is the close's business.
     */
    void onPresence(@Observes PresenceChange change) {
        if (change.occupancy() == null || !PresenceChange.VACATED.equals(change.occupancy().type())
                || change.reason() == LeaveReason.CLOSED) {
            return;
        }
        String room = change.room();
        Runnable work = () -> {
            try {
                book.closeAll(room, CloseReason.VACATED);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, e, () -> "could not close the polls of vacated room " + room);
            }
        };
        try {
            if (executor != null) {
                executor.execute(work);
            } else {
                work.run();
            }
        } catch (RejectedExecutionException e) {
            work.run();
        }
    }
}
