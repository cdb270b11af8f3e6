package dev.roomkeeper.presence.control;

import dev.roomkeeper.presence.entity.AttendanceChange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttendanceQueueTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AttendanceQueue queue = new AttendanceQueue(2, now::get);

    private static AttendanceChange start(int n) {
        return AttendanceBatchTest.start("tab-" + n, n);
    }

    @Test
    void overflowIsDroppedAndCountedNotBlocked() {
        assertTrue(queue.offer(start(1)));
        assertTrue(queue.offer(start(2)));

        assertFalse(queue.offer(start(3)));
        assertFalse(queue.offer(start(4)));

        assertEquals(2, queue.size());
        assertEquals(2, queue.dropped());
        assertEquals(List.of(start(1), start(2)), queue.drain(10));
        assertTrue(queue.offer(start(5)));
    }

    @Test
    void drainTakesAtMostABatchOldestFirst() {
        AttendanceQueue big = new AttendanceQueue(10, now::get);
        for (int n = 1; n <= 5; n++) {
            big.offer(start(n));
        }

        assertEquals(List.of(start(1), start(2)), big.drain(2));
        assertEquals(3, big.size());
    }

    @Test
    void theFirstDropWarnsThenAtMostOnceAMinuteWithWhatWasDroppedMeanwhile() {
        assertEquals(0, queue.dropsToReport());
        queue.offer(start(1));
        queue.offer(start(2));
        queue.offer(start(3));

        assertEquals(1, queue.dropsToReport());
        queue.offer(start(4));
        queue.offer(start(5));
        now.addAndGet(59_999);
        assertEquals(0, queue.dropsToReport());

        now.addAndGet(1);
        assertEquals(2, queue.dropsToReport());
        now.addAndGet(120_000);
        assertEquals(0, queue.dropsToReport(), "nothing dropped since the last warning");
        assertEquals(3, queue.dropped());
    }
}
