package dev.roomkeeper.rooms.control;

import dev.roomkeeper.platform.control.DatabaseCall;
import dev.roomkeeper.rooms.entity.IdleSweepRun;
import dev.roomkeeper.rooms.entity.IdleSweepRunResponse;
import dev.roomkeeper.platform.entity.Page;
import dev.roomkeeper.platform.entity.PageRequest;
import dev.roomkeeper.platform.entity.WholeNumber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.Optional;

/** The record of idle-sweep runs: each write is its own transaction, so a run's record survives its failures. */
@Transactional(Transactional.TxType.REQUIRES_NEW)
@DatabaseCall
@ApplicationScoped
public class IdleSweepRuns {

    @PersistenceContext(unitName = "roomkeeper")
    EntityManager em;

    /** Records a run that starts now, giving it its id. */
    public void start(IdleSweepRun run) {
        em.persist(run);
        em.flush();
    }

    /** Records how a run ended (see {@link IdleSweepRun#finish}). */
    public void save(IdleSweepRun run) {
        em.merge(run);
    }

    /** Deletes the runs that started before {@code before}; how many. */
    public int prune(Instant before) {
        return em.createQuery("delete from IdleSweepRun r where r.startedAt < :before")
                .setParameter("before", before)
                .executeUpdate();
    }

    /** Recent runs on every node, newest first (ties by id). */
    @Transactional(Transactional.TxType.REQUIRED)
    public Page<IdleSweepRunResponse> list(PageRequest page) {
        PageRequest request = page == null ? PageRequest.first() : page;
        long total = em.createQuery("select count(r) from IdleSweepRun r", Long.class).getSingleResult();
        return new Page<>(em.createQuery("select r from IdleSweepRun r order by r.startedAt desc, r.id desc",
                        IdleSweepRun.class)
                .setFirstResult(request.offset())
                .setMaxResults(request.limit())
                .getResultStream()
                .map(IdleSweepRun::toResponse)
                .toList(), request.offset(), request.limit(), total);
    }

    /** One run, by its id as sent; 404 when there is none (or the id is not a number). */
    @Transactional(Transactional.TxType.REQUIRED)
    public IdleSweepRunResponse get(String id) {
        // exactly as sent: "+7", " 7" or another script's digits name no run
        long key = WholeNumber.parse(id, 0, Long.MAX_VALUE).orElseThrow(() -> RoomProblems.noSweepRun(id));
        return Optional.ofNullable(em.find(IdleSweepRun.class, key)).map(IdleSweepRun::toResponse)
                .orElseThrow(() -> RoomProblems.noSweepRun(id));
    }
}
