package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.Backlogs;
import dev.roomkeeper.platform.control.DatabaseFailure;
import dev.roomkeeper.platform.control.Job;
import dev.roomkeeper.platform.control.Jobs;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.entity.AttendanceChange;
import dev.roomkeeper.presence.entity.PresenceChange;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records attendance from the presence changes this node produced, without ever slowing presence down:
 * each change is put on a bounded in-memory queue ({@code roomkeeper.presence.attendance-queue}, dropped
 * and counted when full) and written in batches of up to {@value #BATCH_SIZE}, one transaction each,
 * every {@code roomkeeper.presence.attendance-flush} or as soon as a batch is full. Nothing is ever thrown back
 * to presence.
 * <p>
 * <b>Outages.</b> A batch that fails because the database is unavailable ({@link DatabaseFailure}) is kept, in
 * order, ahead of the queue, and retried with a back-off (the flush interval, doubling up to
 * {@link #MAX_RETRY_BACKOFF}) until the database answers, however long that takes; meanwhile the queue keeps
 * taking changes up to its capacity. The writer is idempotent, so a batch that committed although its commit
 * seemed to fail is not recorded twice. So a session that ended during an outage gets its real end time once the
 * database is back. Any other failure (a bug, a value the database refuses) is retried once at once, then the batch
 * is counted as failed, logged and dropped, so that one bad batch never blocks the rest.
 * <p>
 * What is queued is written when the application stops, before its beans are destroyed; what cannot be written
 * then (the database is down) is counted as failed. Each flush is a run of the job {@code attendance-flush}
 * ({@link Jobs}), failed when a batch could not be written; the buffer is the backlog {@code attendance}
 * ({@link Backlogs}).
 */
@ApplicationScoped
public class AttendanceRecorder {

    private static final Logger LOG = Logger.getLogger(AttendanceRecorder.class.getName());

    static final int BATCH_SIZE = 500;
    /**
     * Batches one flush writes at most, so that a run ends (and liveness does not call it stuck) even while
     * every batch waits out a connection timeout; what is left goes at the next run, a second later.
     */
    static final int MAX_BATCHES_PER_RUN = 20;
    private static final long MIN_FLUSH_MILLIS = 50;
    /** The longest wait between two attempts at a batch kept through an outage. */
    static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(10);

    @Inject
    AttendanceWriter writer;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Meters metrics;

    @Inject
    Jobs jobs;

    @Inject
    Backlogs backlogs;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.attendance-queue", defaultValue = "100000")
    int capacity;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.attendance-flush", defaultValue = "PT1S")
    Duration flushEvery;

    LongSupplier millis = System::currentTimeMillis;

    private final ReentrantLock flushing = new ReentrantLock();
    private final AtomicBoolean flushRequested = new AtomicBoolean();
    private Job job;
    private AttendanceQueue queue;
    private Meters.Counter written;
    private Meters.Counter dropped;
    private Meters.Counter failed;
    private Meters.Counter retries;
    private ScheduledFuture<?> periodic;
    private long period;
    /** A batch that failed for an outage, written before anything queued; empty when none (under {@link #flushing}). */
    private volatile List<AttendanceChange> kept = List.of();
    /** Failed attempts at {@link #kept} in a row, and when the next may be made (under {@link #flushing}). */
    private int attempts;
    private long retryAt;
    /** Since when {@link #kept} has been failing (epoch ms on {@link #millis}); 0 when nothing is kept. */
    private volatile long retryingSince;

    /** What became of one batch. */
    enum Outcome { WRITTEN, KEPT, LOST }

    @PostConstruct
    void start() {
        queue = new AttendanceQueue(capacity, millis);
        written = metrics.counter("roomkeeper.presence.attendance.written");
        dropped = metrics.counter("roomkeeper.presence.attendance.dropped");
        failed = metrics.counter("roomkeeper.presence.attendance.failed");
        retries = metrics.counter("roomkeeper.presence.attendance.retries");
        metrics.gauge("roomkeeper.presence.attendance.queue", this, AttendanceRecorder::queued);
        period = Math.max(MIN_FLUSH_MILLIS, flushEvery == null ? 1000 : flushEvery.toMillis());
        job = jobs.register("attendance-flush", Duration.ofMillis(period));
        backlogs.register("attendance", Math.max(1, capacity), this::queued, () -> retryingSince);
        periodic = scheduler.scheduleWithFixedDelay(this::flushIfIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /** Starts with the application, so the metrics are there before the first session. */
    void boot(@Observes @Initialized(ApplicationScoped.class) Object application) {
        LOG.fine(() -> "attendance recorder started; queue " + capacity + ", flush every " + flushEvery);
    }

    /**
     * Writes everything still queued before the application goes away, waiting for a running flush first. Runs
     * before the application's beans are destroyed (not in {@code @PreDestroy}: by then the writer's persistence
     * context may already be gone, and every write would fail). On Payara Micro the JVM needs
     * {@code -Dhazelcast.shutdownhook.enabled=false}, or the connection pool is gone first (see the README).
     */
    void beforeShutdown(@Observes @BeforeDestroyed(ApplicationScoped.class) Object application) {
        flushOnShutdown();
    }

    void flushOnShutdown() {
        if (periodic != null) {
            periodic.cancel(false);
        }
        flushing.lock();
        try {
            int queued = queued();
            int saved = job.call(run -> flushQueued(run, Integer.MAX_VALUE, true)).orElse(0);
            int lost = queued();
            if (lost > 0) {
                failed.inc(lost);
                LOG.warning(() -> "shutting down: wrote " + saved + " of " + queued + " queued attendance changes; " + lost
                        + " could not be written (the database is unavailable) and are lost"
                        + " (see roomkeeper.presence.attendance.failed)");
            } else {
                LOG.info(() -> "shutting down: wrote " + saved + " of " + queued + " queued attendance changes");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "could not write attendance on shutdown");
        } finally {
            flushRequested.set(false);
            flushing.unlock();
        }
    }

    /**
     * The presence control bean fires every change this node produced synchronously (this observer only enqueues); starts and
     * ends of sessions are queued, the rest ignored. Async delivery may reorder changes; batches cope.
     */
    void onChange(@Observes PresenceChange change) {
        record(change);
    }

    /** Queues the attendance side of {@code change}, if any. Never blocks, never throws. */
    public void record(PresenceChange change) {
        try {
            AttendanceChange.of(change, millis.getAsLong()).ifPresent(this::enqueue);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "could not queue attendance for a presence change");
        }
    }

    private void enqueue(AttendanceChange change) {
        if (!change.fitsColumns()) {
            queue.refuse();
            drop();
            return;
        }
        if (!queue.offer(change)) {
            drop();
            return;
        }
        if (queue.size() >= BATCH_SIZE && flushRequested.compareAndSet(false, true)) {
            try {
                scheduler.execute(this::flushIfIdle);
            } catch (RejectedExecutionException e) {
                // shutting down: flushOnShutdown() writes what is queued
                flushRequested.set(false);
            }
        }
    }

    private void drop() {
        dropped.inc();
        long count = queue.dropsToReport();
        if (count > 0) {
            LOG.warning(() -> "dropped " + count + " attendance changes: the queue of " + capacity
                    + " is full or an id is too long for its column; see roomkeeper.presence.attendance.dropped");
        }
    }

    /** Writes what is queued unless a flush is already running (it will write it). Never throws. */
    void flushIfIdle() {
        if (!flushing.tryLock()) {
            return;
        }
        try {
            job.call(run -> flushQueued(run, MAX_BATCHES_PER_RUN, false));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, e, () -> "attendance flush failed");
        } finally {
            flushRequested.set(false);
            flushing.unlock();
        }
    }

    /**
     * Under {@link #flushing}: one run of the job, up to {@code maxBatches} batches, the kept one first (unless its
     * back-off is not over, and the application is not stopping); failed when a batch could not be written.
     * Answers how many changes were written.
     */
    private int flushQueued(Job.Run run, int maxBatches, boolean stopping) {
        if (!kept.isEmpty() && !stopping && millis.getAsLong() < retryAt) {
            return 0; // backing off: the database was unavailable a moment ago
        }
        int saved = 0;
        for (int batches = 0; batches < maxBatches; batches++) {
            List<AttendanceChange> changes = kept.isEmpty() ? queue.drain(BATCH_SIZE) : kept;
            if (changes.isEmpty()) {
                break;
            }
            AttendanceBatch batch = AttendanceBatch.of(changes);
            Outcome outcome = write(batch);
            if (outcome == Outcome.WRITTEN) {
                saved += batch.size();
                if (!kept.isEmpty()) {
                    long since = retryingSince;
                    LOG.info(() -> "wrote " + batch.size() + " attendance changes kept since the database became"
                            + " unavailable " + (millis.getAsLong() - since) + " ms ago");
                }
                kept = List.of();
                attempts = 0;
                retryingSince = 0;
                continue;
            }
            run.failed();
            if (outcome == Outcome.LOST) {
                kept = List.of();
                continue;
            }
            keep(changes);
            break; // the database is unavailable: the rest waits for the retry
        }
        return saved;
    }

    /** Under {@link #flushing}: {@code changes} failed for an outage; retried first, after a back-off. */
    private void keep(List<AttendanceChange> changes) {
        long now = millis.getAsLong();
        if (kept.isEmpty()) {
            retryingSince = now;
            LOG.warning(() -> "could not write " + changes.size() + " attendance changes: the database is unavailable;"
                    + " keeping them (and queueing up to " + capacity + " more) and retrying until it answers"
                    + " (see roomkeeper_backlog_retrying_seconds{backlog=\"attendance\"})");
        }
        kept = changes;
        attempts++;
        // the flush interval, doubling, never more than the most (a retry still waits for a flush to run)
        retryAt = now + Math.min(MAX_RETRY_BACKOFF.toMillis(), period << Math.min(attempts - 1, 20));
    }

    /**
     * One transaction for the batch. A failure because the database is unavailable keeps the batch
     * ({@link Outcome#KEPT}); any other is retried once at once, then the batch is lost ({@link Outcome#LOST}).
     */
    Outcome write(AttendanceBatch batch) {
        try {
            writer.write(batch);
        } catch (RuntimeException first) {
            if (DatabaseFailure.of(first).isPresent()) {
                return kept(batch, first);
            }
            LOG.log(Level.FINE, first, () -> "attendance batch of " + batch.size() + " failed; retrying once");
            try {
                writer.write(batch);
            } catch (RuntimeException second) {
                if (DatabaseFailure.of(second).isPresent()) {
                    return kept(batch, second);
                }
                second.addSuppressed(first);
                failed.inc(batch.size());
                LOG.log(Level.WARNING, second, () -> "could not write " + batch.size()
                        + " attendance changes; they are lost (see roomkeeper.presence.attendance.failed)");
                return Outcome.LOST;
            }
        }
        written.inc(batch.size());
        return Outcome.WRITTEN;
    }

    private Outcome kept(AttendanceBatch batch, RuntimeException failure) {
        retries.inc();
        LOG.log(Level.FINE, () -> "attendance batch of " + batch.size() + " kept for a retry: "
                + DatabaseFailure.describe(failure));
        return Outcome.KEPT;
    }

    /** Changes waiting to be written, a batch kept through an outage included. */
    public int queued() {
        return (queue == null ? 0 : queue.size()) + kept.size();
    }
}
