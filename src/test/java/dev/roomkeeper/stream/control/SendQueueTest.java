package dev.roomkeeper.stream.control;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendQueueTest {

    @Test
    void sendsInOrderOneAtATimeWhenCompletionsComeLater() {
        List<Integer> sent = new ArrayList<>();
        Deque<Consumer<Throwable>> inFlight = new ArrayDeque<>();
        SendQueue<Integer> queue = new SendQueue<>(10, (item, done) -> {
            assertTrue(inFlight.isEmpty(), "one send in flight at a time");
            sent.add(item);
            inFlight.add(done);
        }, failure -> { });
        for (int i = 1; i <= 3; i++) {
            assertTrue(queue.offer(i));
        }
        assertEquals(List.of(1), sent);
        while (!inFlight.isEmpty()) {
            inFlight.poll().accept(null);
        }
        assertEquals(List.of(1, 2, 3), sent);
        assertEquals(0, queue.size());
    }

    @Test
    void sendsThatCompleteInlineLoopWithoutDeepeningTheStack() {
        List<Integer> depths = new ArrayList<>();
        SendQueue<Integer>[] holder = new SendQueue[1];
        holder[0] = new SendQueue<>(100_000, (item, done) -> {
            depths.add(Thread.currentThread().getStackTrace().length);
            done.accept(null);
        }, failure -> { });
        // every send completes on the caller's stack: the queue must loop, not recurse
        for (int i = 0; i < 50_000; i++) {
            holder[0].offer(i);
        }
        assertEquals(50_000, depths.size());
        assertEquals(depths.get(0), depths.get(depths.size() - 1), "no recursion");
    }

    @Test
    void refusesBeyondTheLimitAndReportsFailures() {
        List<Throwable> failures = new ArrayList<>();
        SendQueue<String> queue = new SendQueue<>(2, (item, done) -> { }, failures::add);
        assertTrue(queue.offer("a")); // in flight, no longer counted
        assertTrue(queue.offer("b"));
        assertTrue(queue.offer("c"));
        assertFalse(queue.offer("d"), "two waiting is the limit");
        SendQueue<String> failing = new SendQueue<>(2, (item, done) -> done.accept(new IllegalStateException("gone")), failures::add);
        failing.offer("x");
        assertEquals(1, failures.size());
    }
}
