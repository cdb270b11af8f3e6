package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.DatabaseCall;
import dev.roomkeeper.presence.entity.AttendanceFilter;
import dev.roomkeeper.presence.entity.AttendanceRecord;
import dev.roomkeeper.presence.entity.AttendanceTotalResponse;
import dev.roomkeeper.presence.entity.AttendanceResponse;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import jakarta.transaction.Transactional;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A room's recorded attendance: the records, newest first, and each user's totals. Read only. */
// every method in a transaction, reads too: called from WebSocket threads, where the container-managed
// EntityManager is only safe inside one
@Transactional
@DatabaseCall
@ApplicationScoped
public class AttendanceHistory {

    @PersistenceContext(unitName = "roomkeeper")
    EntityManager em;

    Clock clock = Clock.systemUTC();

    /** The room's records, newest first (ties by id, newest first), optionally narrowed. */
    public Page<AttendanceResponse> list(String roomId, AttendanceFilter filter, PageRequest page) {
        Objects.requireNonNull(roomId, "roomId");
        PageRequest request = page == null ? PageRequest.first() : page;
        AttendanceFilter narrowing = filter == null ? AttendanceFilter.ALL : filter;
        StringBuilder where = new StringBuilder(" where a.roomId = :room");
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("room", roomId);
        if (narrowing.userId() != null) {
            where.append(" and a.userId = :user");
            parameters.put("user", narrowing.userId());
        }
        if (narrowing.from() != null) {
            where.append(" and a.joinedAt >= :from");
            parameters.put("from", narrowing.from());
        }
        if (narrowing.to() != null) {
            where.append(" and a.joinedAt < :to");
            parameters.put("to", narrowing.to());
        }
        TypedQuery<Long> count = em.createQuery("select count(a) from AttendanceRecord a" + where, Long.class);
        TypedQuery<AttendanceRecord> rows = em.createQuery("select a from AttendanceRecord a" + where
                        + " order by a.joinedAt desc, a.id desc", AttendanceRecord.class)
                .setFirstResult(request.offset())
                .setMaxResults(request.limit());
        parameters.forEach((name, value) -> {
            count.setParameter(name, value);
            rows.setParameter(name, value);
        });
        Instant now = now();
        List<AttendanceResponse> items = rows.getResultList().stream().map(record -> record.toResponse(now)).toList();
        return new Page<>(items, request.offset(), request.limit(), count.getSingleResult());
    }

    /**
     * Each user's attendance in the room, by user id: sessions, total time (open sessions up to now),
     * first join, last leave, and whether a session is still open. One aggregate query per page.
     */
    public Page<AttendanceTotalResponse> totals(String roomId, PageRequest page) {
        Objects.requireNonNull(roomId, "roomId");
        PageRequest request = page == null ? PageRequest.first() : page;
        Instant now = now();
        long users = em.createQuery("select count(distinct a.userId) from AttendanceRecord a where a.roomId = :room",
                        Long.class)
                .setParameter("room", roomId)
                .getSingleResult();
        List<AttendanceTotalResponse> items = em.createQuery("select a.userId, count(a),"
                        + " sum((coalesce(a.leftAt, :now) - a.joinedAt) by second),"
                        + " min(a.joinedAt), max(a.leftAt), sum(case when a.leftAt is null then 1 else 0 end)"
                        + " from AttendanceRecord a where a.roomId = :room group by a.userId order by a.userId",
                        Object[].class)
                .setParameter("room", roomId)
                .setParameter("now", now)
                .setFirstResult(request.offset())
                .setMaxResults(request.limit())
                .getResultList()
                .stream()
                .map(row -> new AttendanceTotalResponse((String) row[0], number(row[1]), Math.max(0, number(row[2])),
                        (Instant) row[3], (Instant) row[4], number(row[5]) > 0))
                .toList();
        return new Page<>(items, request.offset(), request.limit(), users);
    }

    /** Whole seconds or counts, whatever numeric type the database answers with (null when no rows). */
    private static long number(Object value) {
        return value instanceof Number number ? (long) Math.floor(number.doubleValue()) : 0;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
