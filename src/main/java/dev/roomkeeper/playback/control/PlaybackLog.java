package dev.roomkeeper.playback.control;

import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.control.DatabaseFailure;
import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.playback.entity.LogEntry;
import dev.roomkeeper.playback.entity.Timeline;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What playback must keep in the database, queued on the node that accepted it and written in batches by the
 * {@code playback-flush} job (every {@code roomkeeper.playback.flush-interval}, default 2 s): the event log's entries
 * (accepted commands and viewer reports) and each changed stream's latest timeline. A failed write keeps everything
 * for the next run (backlog {@code playback-log}, bounded: past its capacity new entries are dropped and counted);
 * rewriting is harmless, since a row per (stream, eventId) is inserted once and a stream's row only takes a later
 * timeline. When the application stops, everything pending is written.
 * <p>
 * Metrics: {@code roomkeeper.playback.log.rows} (event rows written), {@code roomkeeper.playback.log.dropped}, and the
 * job's {@code roomkeeper.job.*}.
 */
@ApplicationScoped
public class PlaybackLog {

    private static final Logger LOG = Logger.getLogger(PlaybackLog.class.getName());
    static final int CAPACITY = 100_000;
    static final int BATCH = 500;

    @Inject
    StreamRecords records;

    @Inject
    PlaybackSettings settings;

    @Inject
    Jobs jobs;

    @Inject
    Backlogs backlogs;

    @Inject
    Meters metrics;

    /** Entries by (stream, eventId), in the order accepted: a repeated one is kept once. */
    private final Map<String, LogEntry> entries = new LinkedHashMap<>();
    /** Stream id to its latest timeline not yet written. */
    private final Map<String, Timeline> changed = new ConcurrentHashMap<>();
    private final ReentrantLock flushing = new ReentrantLock();
    private volatile long retryingSince;
    private Job job;
    private Meters.Counter rows;
    private Meters.Counter dropped;

    @PostConstruct
    void init() {
        job = jobs.register("playback-flush", settings.flushInterval());
        backlogs.register("playback-log", CAPACITY, this::backlog, () -> retryingSince);
        rows = metrics.counter("roomkeeper.playback.log.rows");
        dropped = metrics.counter("roomkeeper.playback.log.dropped");
    }

    /** Queues an entry for the event log. */
    public void record(LogEntry entry) {
        synchronized (entries) {
            if (entries.size() >= CAPACITY && !entries.containsKey(entry.key())) {
                dropped.inc();
                return;
            }
            entries.putIfAbsent(entry.key(), entry);
        }
    }

    /** Queues a stream's new timeline for its row (only the latest is written). */
    public void changed(String roomId, Timeline timeline) {
        changed.merge(timeline.stream(), timeline, (a, b) -> b.at() >= a.at() ? b : a);
    }

    public long backlog() {
        synchronized (entries) {
            return entries.size() + (long) changed.size();
        }
    }

    /** One run of the job; skipped while another is going on. */
    public void flush() {
        if (!flushing.tryLock()) {
            return;
        }
        try {
            job.call(this::write);
        } finally {
            flushing.unlock();
        }
    }

    void beforeShutdown(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        flushing.lock();
        try {
            job.call(this::write);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "shutting down: could not write the playback log");
        } finally {
            flushing.unlock();
        }
    }

    private int write(Job.Run run) {
        int written = 0;
        while (true) {
            List<LogEntry> batch;
            synchronized (entries) {
                batch = new ArrayList<>(entries.values().stream().limit(BATCH).toList());
            }
            Map<String, Timeline> timelines = new LinkedHashMap<>(changed);
            if (batch.isEmpty() && timelines.isEmpty()) {
                break;
            }
            try {
                written += records.write(batch, timelines.values());
            } catch (RuntimeException e) {
                run.failed();
                boolean first = retryingSince == 0;
                if (first) {
                    retryingSince = System.currentTimeMillis();
                }
                LOG.log(first ? Level.WARNING : Level.FINE, e, () -> "could not write the playback log ("
                        + DatabaseFailure.describe(e) + "); keeping it and retrying every " + settings.flushInterval());
                break;
            }
            synchronized (entries) {
                batch.forEach(e -> entries.remove(e.key(), e));
            }
            timelines.forEach(changed::remove);
            retryingSince = 0;
            if (batch.size() < BATCH) {
                break;
            }
        }
        rows.inc(written);
        return written;
    }
}
