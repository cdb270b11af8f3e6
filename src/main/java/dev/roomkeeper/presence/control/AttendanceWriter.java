package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.DatabaseCall;
import dev.roomkeeper.presence.control.AttendanceBatch.Close;
import dev.roomkeeper.presence.control.AttendanceBatch.Insert;
import dev.roomkeeper.presence.control.AttendanceBatch.Step;
import dev.roomkeeper.presence.entity.AttendanceChange;
import dev.roomkeeper.presence.entity.AttendanceRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one attendance batch in one transaction, applying its steps in order. Idempotent: a session
 * (room, session id, join time) already recorded is not inserted again, and an end already recorded
 * changes nothing, so a retried batch that had in fact committed does no harm.
 */
@DatabaseCall
@ApplicationScoped
public class AttendanceWriter {

    @PersistenceContext(unitName = "roomkeeper")
    EntityManager em;

    @Transactional
    public void write(AttendanceBatch batch) {
        Set<AttendanceChange.Key> recorded = recordedSessions(batch.steps());
        for (Step step : batch.steps()) {
            if (step instanceof Insert insert) {
                if (recorded.add(insert.record().key())) {
                    em.persist(insert.record().toRecord());
                }
            } else if (step instanceof Close close) {
                close(close.end(), recorded);
            }
        }
    }

    private void close(AttendanceChange end, Set<AttendanceChange.Key> recorded) {
        // No flush before the query: inserts are written at persist (identity ids), and the batch closes a
        // session at most once, so nothing pending concerns this session. An automatic flush would
        // dirty-check every record the batch touched so far, for every close: quadratic in the batch.
        List<AttendanceRecord> stored = em.createQuery("select a from AttendanceRecord a where a.roomId = :room"
                        + " and a.sessionId = :session and a.joinedAt = :joined order by a.id desc", AttendanceRecord.class)
                .setFlushMode(FlushModeType.COMMIT)
                .setParameter("room", end.roomId())
                .setParameter("session", end.sessionId())
                .setParameter("joined", end.joinedAt())
                .getResultList();
        for (AttendanceRecord record : stored) {
            if (record.isOpen()) {
                // the newest open one, should a start ever have been recorded twice
                record.close(end.leftAt(), end.reason());
                return;
            }
        }
        if (stored.isEmpty() && recorded.add(end.key())) {
            // the start is still queued on another node, or was dropped: keep the attendance anyway
            em.persist(end.toRecord());
        }
    }

    /** Which of the sessions the batch inserts are recorded already, in one query. */
    /**
     * The sessions of the batch's inserts that are already recorded: one query per room, by room and session id
     * (the index {@code ix_attendance_room_session}), the join time compared here. A single query with three
     * IN lists let H2 scan every row of the rooms and compare each join time with the list: a cost growing with
     * the table, once a second.
     */
    private Set<AttendanceChange.Key> recordedSessions(List<Step> steps) {
        Map<String, Set<AttendanceChange.Key>> wanted = new HashMap<>();
        for (Step step : steps) {
            if (step instanceof Insert insert) {
                AttendanceChange.Key key = insert.record().key();
                wanted.computeIfAbsent(key.roomId(), room -> new HashSet<>()).add(key);
            }
        }
        Set<AttendanceChange.Key> recorded = new HashSet<>();
        wanted.forEach((room, keys) -> {
            Set<String> sessions = new HashSet<>();
            keys.forEach(key -> sessions.add(key.sessionId()));
            em.createQuery("select a.sessionId, a.joinedAt from AttendanceRecord a where a.roomId = :room"
                            + " and a.sessionId in :sessions", Object[].class)
                    .setFlushMode(FlushModeType.COMMIT)
                    .setParameter("room", room)
                    .setParameter("sessions", sessions)
                    .getResultList()
                    .forEach(row -> {
                        AttendanceChange.Key key = new AttendanceChange.Key(room, (String) row[0], (Instant) row[1]);
                        if (keys.contains(key)) {
                            recorded.add(key);
                        }
                    });
        });
        return recorded;
    }
}
