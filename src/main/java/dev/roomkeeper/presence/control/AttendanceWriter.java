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
import java.util.ArrayList;
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
        Map<AttendanceChange.Key, List<AttendanceRecord>> stored = storedRecords(batch.steps());
        for (Step step : batch.steps()) {
            if (step instanceof Insert insert) {
                List<AttendanceRecord> records = stored.computeIfAbsent(insert.record().key(), key -> new ArrayList<>());
                if (records.isEmpty()) {
                    AttendanceRecord record = insert.record().toRecord();
                    em.persist(record);
                    records.add(record);
                }
            } else if (step instanceof Close close) {
                close(close.end(), stored.computeIfAbsent(close.end().key(), key -> new ArrayList<>()));
            }
        }
    }

    /** Closes the newest open record of the session; records it closed when none is stored at all. */
    private void close(AttendanceChange end, List<AttendanceRecord> records) {
        for (AttendanceRecord record : records) {
            if (record.isOpen()) {
                // the newest open one, should a start ever have been recorded twice
                record.close(end.leftAt(), end.reason());
                return;
            }
        }
        if (records.isEmpty()) {
            // the start is still queued on another node, or was dropped: keep the attendance anyway
            AttendanceRecord record = end.toRecord();
            em.persist(record);
            records.add(record);
        }
    }

    /**
     * The stored records of every session the batch starts or ends, newest first: one query per room, by room and
     * session id (the index {@code ix_attendance_room_session}), the join time compared here. One query per close,
     * and one with three IN lists for the starts (H2 scanned every row of the batch's rooms for it, a cost growing
     * with the table), were most of the server's database time under joins.
     */
    private Map<AttendanceChange.Key, List<AttendanceRecord>> storedRecords(List<Step> steps) {
        Map<String, Set<AttendanceChange.Key>> wanted = new HashMap<>();
        for (Step step : steps) {
            AttendanceChange.Key key = step instanceof Insert insert ? insert.record().key()
                    : step instanceof Close close ? close.end().key() : null;
            if (key != null) {
                wanted.computeIfAbsent(key.roomId(), room -> new HashSet<>()).add(key);
            }
        }
        Map<AttendanceChange.Key, List<AttendanceRecord>> stored = new HashMap<>();
        wanted.forEach((room, keys) -> {
            Set<String> sessions = new HashSet<>();
            keys.forEach(key -> sessions.add(key.sessionId()));
            // no flush: nothing is pending yet, and an automatic one would dirty-check the whole batch
            em.createQuery("select a from AttendanceRecord a where a.roomId = :room and a.sessionId in :sessions"
                            + " order by a.id desc", AttendanceRecord.class)
                    .setFlushMode(FlushModeType.COMMIT)
                    .setParameter("room", room)
                    .setParameter("sessions", sessions)
                    .getResultList()
                    .forEach(record -> {
                        AttendanceChange.Key key = new AttendanceChange.Key(room, record.getSessionId(), record.getJoinedAt());
                        if (keys.contains(key)) {
                            stored.computeIfAbsent(key, k -> new ArrayList<>()).add(record);
                        }
                    });
        });
        return stored;
    }
}
