package dev.roomkeeper.presence.control;

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
 * every {@code roomkeeper.presence.attendance-flush} or as soon as a batch is full. A failed batch is
 * retried once, then counted as failed and logged; nothing is ever thrown back to presence. What is
 * queued is written when the application stops, before its beans are destroyed. Each flush is a run of the
 * job {@code attendance-flush} ({@link Jobs}), failed when a batch is lost.
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

    @Inject
    AttendanceWriter writer;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Meters metrics;

    @Inject
    Jobs jobs;

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
    private ScheduledFuture<?> periodic;

    @PostConstruct
    void start() {
        queue = new AttendanceQueue(capacity, millis);
        written = metrics.counter("roomkeeper.presence.attendance.written");
        dropped = metrics.counter("roomkeeper.presence.attendance.dropped");
        failed = metrics.counter("roomkeeper.presence.attendance.failed");
        metrics.gauge("roomkeeper.presence.attendance.queue", queue, AttendanceQueue::size);
        long period = Math.max(MIN_FLUSH_MILLIS, flushEvery == null ? 1000 : flushEvery.toMillis());
        job = jobs.register("attendance-flush", Duration.ofMillis(period));
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
            int saved = job.call(run -> flushQueued(run, Integer.MAX_VALUE)).orElse(0);
            LOG.info(() -> "shutting down: wrote " + saved + " of " + queued + " queued attendance changes");
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
            job.call(run -> flushQueued(run, MAX_BATCHES_PER_RUN));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, e, () -> "attendance flush failed");
        } finally {
            flushRequested.set(false);
            flushing.unlock();
        }
    }

    /**
     * Under {@link #flushing}: one run of the job, up to {@code maxBatches} batches, failed when a batch is lost;
     * answers how many changes were written.
     */
    private int flushQueued(Job.Run run, int maxBatches) {
        int saved = 0;
        for (int batches = 0; batches < maxBatches && !queue.isEmpty(); batches++) {
            List<AttendanceChange> changes = queue.drain(BATCH_SIZE);
            if (changes.isEmpty()) {
                continue;
            }
            AttendanceBatch batch = AttendanceBatch.of(changes);
            if (write(batch)) {
                saved += batch.size();
            } else {
                run.failed();
            }
        }
        return saved;
    }

    /** One transaction for the batch, retried once; false when both attempts failed. */
    boolean write(AttendanceBatch batch) {
        try {
            writer.write(batch);
        } catch (RuntimeException first) {
            LOG.log(Level.FINE, first, () -> "attendance batch of " + batch.size() + " failed; retrying once");
            try {
                writer.write(batch);
            } catch (RuntimeException second) {
                second.addSuppressed(first);
                failed.inc(batch.size());
                LOG.log(Level.WARNING, second, () -> "could not write " + batch.size()
                        + " attendance changes; they are lost (see roomkeeper.presence.attendance.failed)");
                return false;
            }
        }
        written.inc(batch.size());
        return true;
    }

    /** Changes waiting to be written. */
    public int queued() {
        return queue == null ? 0 : queue.size();
    }
}
