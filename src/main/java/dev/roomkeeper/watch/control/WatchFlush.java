package dev.roomkeeper.watch.control;

import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.control.DatabaseFailure;
import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.watch.entity.CreditRow;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Persists watch credits off the heartbeat path: every {@code roomkeeper.watch.flush-interval} (job
 * {@code watch-credit-flush}) each node takes, for the rooms it follows, the credit of every user whose credit was
 * last taken at least one interval ago ({@link WatchTracker#take}: a compare-and-set on the user's record, so at most
 * one node takes it per interval) and writes them in one transaction. Rows a failed write could not store stay in
 * this node's backlog {@code watch-credits} (bounded) and are written by the next run; a row holds a run's absolute
 * watch time, so rewriting one is harmless. Rows of rooms whose watch state was cleared (vacated, closed) join the
 * next run. When the application stops, everything pending is taken and written.
 * <p>
 * Metrics: {@code roomkeeper.watch.flush.rows} (rows written), {@code roomkeeper.watch.flush.dropped} (rows dropped
 * from a full backlog), the gauge {@code roomkeeper.watch.flush.lag.seconds} (the age of the oldest watch time not in
 * the database after the last run), and the job's {@code roomkeeper.job.*}.
 */
@ApplicationScoped
public class WatchFlush {

    private static final Logger LOG = Logger.getLogger(WatchFlush.class.getName());
    static final int BACKLOG_CAPACITY = 100_000;
    static final int BATCH = 500;

    @Inject
    WatchTracker tracker;

    @Inject
    WatchCredits credits;

    @Inject
    WatchSettings settings;

    @Inject
    Jobs jobs;

    @Inject
    Backlogs backlogs;

    @Inject
    Meters metrics;

    /** Rows waiting to be written, by row identity (the latest reading of each). */
    private final Map<String, CreditRow> pending = new ConcurrentHashMap<>();
    private final ReentrantLock flushing = new ReentrantLock();
    private final AtomicLong lagMillis = new AtomicLong();
    private volatile long retryingSince;
    private Job job;
    private Meters.Counter rows;
    private Meters.Counter dropped;

    @PostConstruct
    void init() {
        job = jobs.register("watch-credit-flush", settings.flushInterval());
        backlogs.register("watch-credits", BACKLOG_CAPACITY, pending::size, () -> retryingSince);
        rows = metrics.counter("roomkeeper.watch.flush.rows");
        dropped = metrics.counter("roomkeeper.watch.flush.dropped");
        metrics.gauge("roomkeeper.watch.flush.lag.seconds", lagMillis, v -> v.get() / 1000d);
    }

    /** Rows to write with the next run (the credit of a cleared room). */
    public void enqueue(Collection<CreditRow> cleared) {
        cleared.forEach(this::keep);
    }

    /** One run: takes what is due and writes it with the backlog. Skipped when a run is going on. */
    public void flush() {
        if (!flushing.tryLock()) {
            return;
        }
        try {
            job.call(run -> write(run, settings.flushInterval().toMillis()));
        } finally {
            flushing.unlock();
        }
    }

    /** Takes and writes everything before the application goes away (waiting for a running flush first). */
    void beforeShutdown(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        flushing.lock();
        try {
            int written = job.call(run -> write(run, 0)).orElse(0);
            LOG.info(() -> "shutting down: wrote " + written + " watch credits (" + pending.size() + " left unwritten)");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "shutting down: could not write the watch credits");
        } finally {
            flushing.unlock();
        }
    }

    private int write(Job.Run run, long minAge) {
        long lag = 0;
        for (String room : tracker.rooms()) {
            try {
                WatchTracker.Taken taken = tracker.take(room, minAge);
                taken.rows().forEach(this::keep);
                lag = Math.max(lag, taken.oldestLeftMs());
            } catch (RuntimeException e) {
                run.failed();
                LOG.log(Level.FINE, e, () -> "could not take the watch credits of room " + room);
            }
        }
        List<CreditRow> all = new ArrayList<>(pending.values());
        int written = 0;
        for (int from = 0; from < all.size(); from += BATCH) {
            List<CreditRow> chunk = all.subList(from, Math.min(all.size(), from + BATCH));
            try {
                credits.write(chunk);
            } catch (RuntimeException e) {
                run.failed();
                boolean first = retryingSince == 0;
                if (first) {
                    retryingSince = System.currentTimeMillis();
                }
                long now = System.currentTimeMillis();
                for (CreditRow row : pending.values()) {
                    lag = Math.max(lag, now - row.at());
                }
                lagMillis.set(lag);
                int left = all.size() - from;
                LOG.log(first ? Level.WARNING : Level.FINE, e, () -> "could not write " + left + " watch credits ("
                        + DatabaseFailure.describe(e) + "); keeping them and retrying every " + settings.flushInterval());
                return written;
            }
            chunk.forEach(row -> pending.remove(row.key(), row));
            written += chunk.size();
        }
        retryingSince = 0;
        rows.inc(written);
        lagMillis.set(lag);
        return written;
    }

    private void keep(CreditRow row) {
        if (pending.size() >= BACKLOG_CAPACITY && !pending.containsKey(row.key())) {
            dropped.inc();
            return;
        }
        pending.merge(row.key(), row, CreditRow::later);
    }

    /** Rows waiting to be written on this node. */
    public int backlog() {
        return pending.size();
    }
}
