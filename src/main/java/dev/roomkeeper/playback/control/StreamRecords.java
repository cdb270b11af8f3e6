package dev.roomkeeper.playback.control;

import dev.roomkeeper.platform.control.DatabaseCall;
import dev.roomkeeper.playback.entity.LogEntry;
import dev.roomkeeper.playback.entity.PlaybackCleanupRun;
import dev.roomkeeper.playback.entity.PlaybackEvent;
import dev.roomkeeper.playback.entity.PlaybackStream;
import dev.roomkeeper.playback.entity.Timeline;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Playback in the database: a stream's row when it is created, the flush's batched writes (rows updated from the
 * live timelines, event log rows inserted once per stream and eventId), and the reads of the REST calls. Never on a
 * command's path.
 */
@DatabaseCall
@ApplicationScoped
public class StreamRecords {

    @PersistenceContext(unitName = "roomkeeper")
    EntityManager em;

    /** The stream's row; a retried create finds it there and leaves it. */
    @Transactional
    public void create(String roomId, Timeline timeline) {
        if (em.find(PlaybackStream.class, timeline.stream()) == null) {
            em.persist(new PlaybackStream(roomId, timeline));
        }
    }

    /** A filter of a stream's event log: a type, a time window (epoch ms, from inclusive, to exclusive). */
    public record EventFilter(String type, Long from, Long to) {
    }

    /**
     * Writes one batch in one transaction: each stream's row takes its latest timeline (an older one changes
     * nothing), and each log entry becomes a row unless its (stream, eventId) is stored already or its stream is gone.
     *
     * @return the event rows inserted
     */
    @Transactional
    public int write(Collection<LogEntry> entries, Collection<Timeline> timelines) {
        Set<String> ids = new HashSet<>();
        entries.forEach(e -> ids.add(e.streamId()));
        timelines.forEach(t -> ids.add(t.stream()));
        Map<String, PlaybackStream> streams = new HashMap<>();
        if (!ids.isEmpty()) {
            em.createQuery("select s from PlaybackStream s where s.id in :ids", PlaybackStream.class)
                    .setParameter("ids", ids).getResultList().forEach(s -> streams.put(s.getId(), s));
        }
        for (Timeline timeline : timelines) {
            PlaybackStream stream = streams.get(timeline.stream());
            if (stream != null) {
                stream.update(timeline);
            }
        }
        Map<String, List<LogEntry>> byStream = new LinkedHashMap<>();
        entries.forEach(e -> byStream.computeIfAbsent(e.streamId(), s -> new ArrayList<>()).add(e));
        int inserted = 0;
        Instant now = Instant.now();
        for (Map.Entry<String, List<LogEntry>> stream : byStream.entrySet()) {
            if (!streams.containsKey(stream.getKey())) {
                continue; // its room closed, the stream went with it
            }
            List<String> eventIds = stream.getValue().stream().map(LogEntry::eventId).distinct().toList();
            Set<String> stored = new HashSet<>(em.createQuery("select e.eventId from PlaybackEvent e where e.streamId = :s"
                            + " and e.eventId in :ids", String.class)
                    .setParameter("s", stream.getKey()).setParameter("ids", eventIds).getResultList());
            for (LogEntry entry : stream.getValue()) {
                if (stored.add(entry.eventId())) {
                    em.persist(new PlaybackEvent(entry, now));
                    inserted++;
                }
            }
        }
        return inserted;
    }

    // ---- the cleanup: bounded batches, each row counted by the node whose statement removed or changed it

    /**
     * Deletes up to {@code batch} events older than {@code cutoff} (server ms), oldest first; nodes doing it at once
     * may pick the same ids, but a row is deleted (and counted) by one statement only.
     *
     * @return the rows this call deleted
     */
    @Transactional
    public int deleteEventsBefore(long cutoff, int batch) {
        List<Long> ids = em.createQuery("select e.id from PlaybackEvent e where e.timestampMs < :cutoff order by e.timestampMs",
                Long.class).setParameter("cutoff", cutoff).setMaxResults(batch).getResultList();
        if (ids.isEmpty()) {
            return 0;
        }
        return em.createQuery("delete from PlaybackEvent e where e.id in :ids").setParameter("ids", ids).executeUpdate();
    }

    /** Up to {@code batch} playing streams whose last sync is before {@code cutoff}, by the idle index. */
    public List<PlaybackStream> idlePlaying(Instant cutoff, int batch) {
        return em.createQuery("select s from PlaybackStream s where s.playing = true and s.lastSyncAt < :cutoff"
                + " order by s.lastSyncAt", PlaybackStream.class).setParameter("cutoff", cutoff).setMaxResults(batch)
                .getResultList();
    }

    /**
     * Resets one idle stream's row (not playing, position kept) if it is still idle and playing: true for the one
     * node whose update changed it.
     */
    @Transactional
    public boolean reset(String streamId, Instant cutoff, Instant now) {
        return em.createQuery("update PlaybackStream s set s.playing = false, s.lastSyncAt = :now, s.lastHostId = 'system'"
                        + " where s.id = :id and s.playing = true and s.lastSyncAt < :cutoff")
                .setParameter("now", now).setParameter("id", streamId).setParameter("cutoff", cutoff).executeUpdate() == 1;
    }

    @Transactional
    public void started(PlaybackCleanupRun run) {
        em.persist(run);
    }

    @Transactional
    public PlaybackCleanupRun finished(PlaybackCleanupRun run) {
        PlaybackCleanupRun merged = em.merge(run);
        em.createQuery("delete from PlaybackCleanupRun r where r.startedAt < :before")
                .setParameter("before", Instant.now().minus(java.time.Duration.ofDays(30))).executeUpdate();
        return merged;
    }

    public List<PlaybackCleanupRun> runs(int offset, int limit) {
        return em.createQuery("select r from PlaybackCleanupRun r order by r.startedAt desc, r.id desc", PlaybackCleanupRun.class)
                .setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    public long countRuns() {
        return em.createQuery("select count(r) from PlaybackCleanupRun r", Long.class).getSingleResult();
    }

    public Optional<PlaybackStream> stream(String streamId) {
        return Optional.ofNullable(em.find(PlaybackStream.class, streamId));
    }

    /** A room's streams as the database holds them, oldest first. */
    public List<PlaybackStream> ofRoom(String roomId) {
        return em.createQuery("select s from PlaybackStream s where s.roomId = :room order by s.createdAt, s.id",
                PlaybackStream.class).setParameter("room", roomId).setMaxResults(1_000).getResultList();
    }

    /** A page of a stream's events, oldest first, by the index on (stream, type, time) or (stream, time). */
    public List<PlaybackEvent> events(String streamId, EventFilter filter, int offset, int limit) {
        TypedQuery<PlaybackEvent> query = em.createQuery("select e from PlaybackEvent e where " + where(filter)
                + " order by e.timestampMs, e.id", PlaybackEvent.class);
        return bind(query, streamId, filter).setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    public long countEvents(String streamId, EventFilter filter) {
        return bind(em.createQuery("select count(e) from PlaybackEvent e where " + where(filter), Long.class),
                streamId, filter).getSingleResult();
    }

    private static String where(EventFilter filter) {
        StringBuilder where = new StringBuilder("e.streamId = :s");
        if (filter.type() != null) {
            where.append(" and e.eventType = :type");
        }
        if (filter.from() != null) {
            where.append(" and e.timestampMs >= :from");
        }
        if (filter.to() != null) {
            where.append(" and e.timestampMs < :to");
        }
        return where.toString();
    }

    private static <T> TypedQuery<T> bind(TypedQuery<T> query, String streamId, EventFilter filter) {
        query.setParameter("s", streamId);
        if (filter.type() != null) {
            query.setParameter("type", filter.type());
        }
        if (filter.from() != null) {
            query.setParameter("from", filter.from());
        }
        if (filter.to() != null) {
            query.setParameter("to", filter.to());
        }
        return query;
    }
}
