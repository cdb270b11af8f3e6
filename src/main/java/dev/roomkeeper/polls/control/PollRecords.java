package dev.roomkeeper.polls.control;

import dev.roomkeeper.platform.control.DatabaseCall;
import dev.roomkeeper.polls.entity.Poll;
import dev.roomkeeper.polls.entity.PollRecord;
import dev.roomkeeper.polls.entity.Tally;
import dev.roomkeeper.polls.entity.VoteRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The audit of polls in the database: a row when a poll is created, its final tally and one row per counted vote
 * when it closes. Never on the voting path.
 */
@DatabaseCall
@ApplicationScoped
public class PollRecords {

    @PersistenceContext(unitName = "roomkeeper")
    EntityManager em;

    @Transactional
    public void created(Poll poll) {
        em.persist(new PollRecord(poll, poll.toJson().getJsonArray("options").toString()));
    }

    /**
     * Records a poll's close with its final tally and votes, once: a poll already recorded closed is left as it is
     * (two nodes finishing one close, a retry after a failed commit).
     *
     * @return true when this call recorded it
     */
    @Transactional
    public boolean closed(Poll poll, Tally tally) {
        PollRecord record = em.find(PollRecord.class, poll.id(), LockModeType.PESSIMISTIC_WRITE);
        if (record == null) {
            record = new PollRecord(poll, poll.toJson().getJsonArray("options").toString());
            em.persist(record);
        } else if (!record.isOpen()) {
            return false;
        }
        record.close(Instant.ofEpochMilli(poll.closedAt()), poll.closeReason(), poll.closedBy(),
                (int) tally.totalVoters(), tally.countsJson().toString());
        for (Tally.Vote vote : tally.votes()) {
            em.persist(new VoteRecord(poll.id(), vote));
        }
        return true;
    }

    /** A room's polls, newest first. */
    public List<PollRecord> ofRoom(String roomId, int offset, int limit) {
        return em.createQuery("select p from PollRecord p where p.roomId = :room order by p.createdAt desc, p.id",
                        PollRecord.class)
                .setParameter("room", roomId).setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    public long countOfRoom(String roomId) {
        return em.createQuery("select count(p) from PollRecord p where p.roomId = :room", Long.class)
                .setParameter("room", roomId).getSingleResult();
    }

    public Optional<PollRecord> find(String pollId) {
        return Optional.ofNullable(em.find(PollRecord.class, pollId));
    }

    /** A closed poll's recorded votes, by user id. */
    public List<VoteRecord> votes(String pollId) {
        return em.createQuery("select v from VoteRecord v where v.pollId = :poll order by v.userId", VoteRecord.class)
                .setParameter("poll", pollId).getResultList();
    }

    /** Open polls whose close time is at or before {@code now}, soonest first. */
    public List<PollRecord> due(Instant now, int limit) {
        return em.createQuery("select p from PollRecord p where p.state = 'open' and p.closesAt <= :now"
                        + " order by p.closesAt", PollRecord.class)
                .setParameter("now", now).setMaxResults(limit).getResultList();
    }

    /** Open polls created before {@code before}, oldest first: to reconcile with the live state. */
    public List<PollRecord> openSince(Instant before, int limit) {
        return em.createQuery("select p from PollRecord p where p.state = 'open' and p.createdAt < :before"
                        + " order by p.createdAt", PollRecord.class)
                .setParameter("before", before).setMaxResults(limit).getResultList();
    }

    public long countOpen() {
        return em.createQuery("select count(p) from PollRecord p where p.state = 'open'", Long.class).getSingleResult();
    }
}
