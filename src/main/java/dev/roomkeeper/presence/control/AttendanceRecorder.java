package dev.roomkeeper.presence.control;

import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.presence.entity.AttendanceChange;
import dev.roomkeeper.presence.entity.PresenceChange;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * queued is written when the application stops.
 */
@ApplicationScoped
public class AttendanceRecorder {

    private static final Logger LOG = Logger.getLogger(AttendanceRecorder.class.getName());

    static final int BATCH_SIZE = 500;
    private static final long MIN_FLUSH_MILLIS = 50;

    @Inject
    AttendanceWriter writer;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Meters metrics;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.attendance-queue", defaultValue = "100000")
    int capacity;

    @Inject
    @ConfigProperty(name = "roomkeeper.presence.attendance-flush", defaultValue = "PT1S")
    Duration flushEvery;

    LongSupplier millis = System::currentTimeMillis;

    private final ReentrantLock flushing = new ReentrantLock();
    private final AtomicBoolean flushRequested = new AtomicBoolean();
    private final AtomicLong lastFlushNanos = new AtomicLong();
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
        metrics.gauge("roomkeeper.presence.attendance.flush.last.duration.seconds", lastFlushNanos, v -> v.get() / 1e9);
        long period = Math.max(MIN_FLUSH_MILLIS, flushEvery == null ? 1000 : flushEvery.toMillis());
        periodic = scheduler.scheduleWithFixedDelay(this::flushIfIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /** Starts with the application, so the metrics are there before the first session. */
    void boot(@Observes @Initialized(ApplicationScoped.class) Object application) {
        LOG.fine(() -> "attendance recorder started; queue " + capacity + ", flush every " + flushEvery);
    }

    /** Writes everything still queued before the application goes away. */
    @PreDestroy
    void stop() {
        if (periodic != null) {
            periodic.cancel(false);
        }
        flushing.lock();
        try {
            flushQueued();
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
                // shutting down: stop() writes what is queued
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
            flushQueued();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, e, () -> "attendance flush failed");
        } finally {
            flushRequested.set(false);
            flushing.unlock();
        }
    }

    private void flushQueued() {
        if (queue == null || queue.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        while (!queue.isEmpty()) {
            List<AttendanceChange> changes = queue.drain(BATCH_SIZE);
            if (!changes.isEmpty()) {
                write(AttendanceBatch.of(changes));
            }
        }
        lastFlushNanos.set(System.nanoTime() - start);
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
