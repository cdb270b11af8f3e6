package dev.roomkeeper.presence.control;

import dev.roomkeeper.presence.entity.AttendanceChange;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Attendance changes waiting to be written: bounded, never blocking. When full, changes are dropped and
 * counted, and a warning falls due at most once per {@link #WARN_EVERY_MILLIS}.
 */
final class AttendanceQueue {

    static final long WARN_EVERY_MILLIS = 60_000;
    private static final long NEVER = Long.MIN_VALUE;

    private final BlockingQueue<AttendanceChange> items;
    private final LongSupplier millis;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedSinceWarning = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(NEVER);

    /**
     * @param capacity the most changes held
     * @param millis   the clock for warnings, epoch or monotonic milliseconds
     */
    AttendanceQueue(int capacity, LongSupplier millis) {
        this.items = new LinkedBlockingQueue<>(Math.max(1, capacity));
        this.millis = millis;
    }

    /** Queues the change; false, counting it dropped, when the queue is full. */
    boolean offer(AttendanceChange change) {
        if (items.offer(change)) {
            return true;
        }
        dropped.incrementAndGet();
        droppedSinceWarning.incrementAndGet();
        return false;
    }

    /** Counts a change that was not even offered (it could not be written) as dropped. */
    void refuse() {
        dropped.incrementAndGet();
        droppedSinceWarning.incrementAndGet();
    }

    /** Takes up to {@code max} changes, oldest first. */
    List<AttendanceChange> drain(int max) {
        List<AttendanceChange> taken = new ArrayList<>(Math.min(max, items.size()));
        items.drainTo(taken, max);
        return taken;
    }

    int size() {
        return items.size();
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /** Changes dropped since this queue was made. */
    long dropped() {
        return dropped.get();
    }

    /**
     * How many changes were dropped since the last warning, when a warning is due now (the first drop,
     * then at most once a minute); 0 when none is due. The caller that gets a number logs it.
     */
    long dropsToReport() {
        long now = millis.getAsLong();
        long last = lastWarning.get();
        if (droppedSinceWarning.get() == 0 || (last != NEVER && now - last < WARN_EVERY_MILLIS)) {
            return 0;
        }
        if (!lastWarning.compareAndSet(last, now)) {
            return 0;
        }
        return droppedSinceWarning.getAndSet(0);
    }
}
