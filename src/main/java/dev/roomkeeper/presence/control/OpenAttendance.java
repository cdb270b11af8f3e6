package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.DatabaseCall;
import dev.roomkeeper.presence.entity.AttendanceChange;
import dev.roomkeeper.presence.entity.LeaveReason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;

/** The attendance rows still open (sessions whose end is not recorded), for the sweep of lost sessions. */
@ApplicationScoped
@DatabaseCall
public class OpenAttendance {

    @PersistenceContext(unitName = "roomkeeper")
    EntityManager em;

    /** Open rows of sessions that started before {@code joinedBefore}, oldest first, at most {@code max}. */
    @Transactional
    public List<AttendanceChange.Key> startedBefore(Instant joinedBefore, int max) {
        return em.createQuery("select a.roomId, a.sessionId, a.joinedAt from AttendanceRecord a"
                        + " where a.leftAt is null and a.joinedAt < :before order by a.joinedAt", Object[].class)
                .setParameter("before", joinedBefore)
                .setMaxResults(max)
                .getResultList().stream()
                .map(row -> new AttendanceChange.Key((String) row[0], (String) row[1], (Instant) row[2]))
                .toList();
    }

    /**
     * Closes the rows of these sessions that are still open, at {@code at}, as expired.
     *
     * @return how many rows were closed (a row another node closed first is not counted)
     */
    @Transactional
    public int close(List<AttendanceChange.Key> sessions, Instant at) {
        int closed = 0;
        for (AttendanceChange.Key session : sessions) {
            closed += em.createQuery("update AttendanceRecord a set a.leftAt = :at, a.leaveReason = :reason"
                            + " where a.roomId = :room and a.sessionId = :session and a.joinedAt = :joined"
                            + " and a.leftAt is null")
                    .setParameter("at", at)
                    .setParameter("reason", LeaveReason.EXPIRED)
                    .setParameter("room", session.roomId())
                    .setParameter("session", session.sessionId())
                    .setParameter("joined", session.joinedAt())
                    .executeUpdate();
        }
        return closed;
    }
}
