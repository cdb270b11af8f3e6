package dev.roomkeeper.watch.control;

import dev.roomkeeper.platform.control.DatabaseCall;
import dev.roomkeeper.watch.entity.CreditRow;
import dev.roomkeeper.watch.entity.CreditsResponse;
import dev.roomkeeper.watch.entity.RoomCreditResponse;
import dev.roomkeeper.watch.entity.WatchCredit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watch credits in the database: the flush's batched, idempotent writes and the reads of the REST calls. Never
 * called on a heartbeat's path.
 */
@DatabaseCall
@ApplicationScoped
public class WatchCredits {

    @PersistenceContext(unitName = "roomkeeper")
    EntityManager em;

    /**
     * Writes a batch in one transaction: each row's run is created, or raised to the row's watch time when that is
     * larger (so a repeated or out-of-order row changes nothing). One query per room finds the batch's stored runs
     * (by the unique index on room, user, run).
     *
     * @return rows that changed the database
     */
    @Transactional
    public int write(Collection<CreditRow> rows) {
        Map<String, List<CreditRow>> byRoom = new LinkedHashMap<>();
        rows.forEach(row -> byRoom.computeIfAbsent(row.roomId(), r -> new ArrayList<>()).add(row));
        int changed = 0;
        for (Map.Entry<String, List<CreditRow>> room : byRoom.entrySet()) {
            List<String> users = room.getValue().stream().map(CreditRow::userId).distinct().toList();
            Map<String, WatchCredit> stored = new HashMap<>();
            em.createQuery("select c from WatchCredit c where c.roomId = :room and c.userId in :users", WatchCredit.class)
                    .setParameter("room", room.getKey()).setParameter("users", users).getResultList()
                    .forEach(c -> stored.put(c.getUserId() + "\n" + c.getRunId(), c));
            for (CreditRow row : room.getValue()) {
                WatchCredit credit = stored.get(row.userId() + "\n" + row.run());
                if (credit == null) {
                    credit = new WatchCredit(row.roomId(), row.userId(), row.run(), row.watchedMs(),
                            Instant.ofEpochMilli(row.since()), Instant.ofEpochMilli(row.at()));
                    em.persist(credit);
                    stored.put(row.userId() + "\n" + row.run(), credit);
                    changed++;
                } else if (credit.raise(row.watchedMs(), Instant.ofEpochMilli(row.at()))) {
                    changed++;
                }
            }
        }
        return changed;
    }

    /** A user's credits per room, most recently credited first, and in total. */
    public CreditsResponse ofUser(String userId) {
        List<Object[]> rows = em.createQuery("select c.roomId, sum(c.watchedMs), max(c.updatedAt) from WatchCredit c"
                        + " where c.userId = :user group by c.roomId order by max(c.updatedAt) desc, c.roomId", Object[].class)
                .setParameter("user", userId).getResultList();
        List<RoomCreditResponse> rooms = new ArrayList<>(rows.size());
        long total = 0;
        for (Object[] row : rows) {
            long ms = ((Number) row[1]).longValue();
            total += ms;
            rooms.add(new RoomCreditResponse((String) row[0], ms / 1000, (Instant) row[2]));
        }
        return new CreditsResponse(userId, total / 1000, rooms);
    }

    /** A room's stored runs: user id to run id to watch ms. */
    public Map<String, Map<String, Long>> ofRoom(String roomId) {
        Map<String, Map<String, Long>> users = new HashMap<>();
        em.createQuery("select c from WatchCredit c where c.roomId = :room", WatchCredit.class)
                .setParameter("room", roomId).getResultList()
                .forEach(c -> users.computeIfAbsent(c.getUserId(), u -> new HashMap<>()).put(c.getRunId(), c.getWatchedMs()));
        return users;
    }
}
