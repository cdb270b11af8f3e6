package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.DatabaseCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;

/**
 * Moves rooms' persisted last activity forward, never back: one conditional UPDATE per room, sent as one
 * JDBC batch in the caller's transaction (or a new one). A touch older than what is stored changes nothing,
 * so nodes flushing at the same time, in any order, leave the latest activity.
 */
@DatabaseCall
@ApplicationScoped
public class ActivityWriter {

    static final String MOVE_FORWARD = "update room set last_activity_at = ? where id = ? and last_activity_at < ?";

    @PersistenceContext(unitName = "roomkeeper")
    EntityManager em;

    /** A room's activity at a moment. */
    public record Touch(String roomId, Instant at) {
    }

    /**
     * Writes every touch whose time is later than the room's stored last activity. Rooms are written in id
     * order, so concurrent batches on several nodes take their row locks in the same order and cannot
     * deadlock each other. Unknown rooms are skipped.
     *
     * @return how many rooms' stored last activity moved forward
     */
    @Transactional
    public int write(List<Touch> touches) {
        if (touches.isEmpty()) {
            return 0;
        }
        List<Touch> ordered = touches.stream().sorted(Comparator.comparing(Touch::roomId)).toList();
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement(MOVE_FORWARD)) {
                for (Touch touch : ordered) {
                    OffsetDateTime at = OffsetDateTime.ofInstant(touch.at(), ZoneOffset.UTC);
                    update.setObject(1, at);
                    update.setString(2, touch.roomId());
                    update.setObject(3, at);
                    update.addBatch();
                }
                int moved = 0;
                for (int count : update.executeBatch()) {
                    if (count > 0 || count == Statement.SUCCESS_NO_INFO) {
                        moved++;
                    }
                }
                return moved;
            }
        });
    }
}
