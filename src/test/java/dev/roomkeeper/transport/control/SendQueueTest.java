package dev.roomkeeper.transport.control;

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
    void anErrorThrownBySendingFailsThatItemAndTheQueueGoesOn() {
        List<Throwable> failures = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        SendQueue<String> queue = new SendQueue<>(10, (item, done) -> {
            if (item.equals("unencodable")) {
                throw new Error("cannot encode"); // as Tyrus does for a lone surrogate
            }
            sent.add(item);
            done.accept(null);
        }, failures::add);
        assertTrue(queue.offer("unencodable"));
        assertTrue(queue.offer("next"));
        assertEquals(1, failures.size());
        assertEquals(List.of("next"), sent, "the queue is not stuck behind the failed send");
    }

    @Test
    void anyThrowableFromSendingFailsThatItemAndTheQueueGoesOn() {
        List<Throwable> failures = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        SendQueue<String> queue = new SendQueue<>(10, (item, done) -> {
            if (item.equals("checked")) {
                SendQueueTest.<RuntimeException>sneaky(new java.io.IOException("thrown though undeclared"));
            }
            sent.add(item);
            done.accept(null);
        }, failures::add);
        assertTrue(queue.offer("checked"));
        assertTrue(queue.offer("next"));
        assertEquals(1, failures.size());
        assertTrue(failures.get(0) instanceof SendQueue.SendThrew, "told apart from a failure the send reported");
        assertEquals(List.of("next"), sent);
    }

    @Test
    void aFailureHandlerThatThrowsDoesNotStopTheQueue() {
        List<String> sent = new ArrayList<>();
        Deque<Consumer<Throwable>> inFlight = new ArrayDeque<>();
        SendQueue<String> queue = new SendQueue<>(10, (item, done) -> {
            sent.add(item);
            inFlight.add(done);
        }, failure -> {
            throw new IllegalStateException("closing the socket failed too");
        });
        queue.offer("a");
        queue.offer("b");
        inFlight.poll().accept(new java.io.IOException("reset"));
        assertEquals(List.of("a", "b"), sent, "the next item went out after the failed one");
        inFlight.poll().accept(null);
        queue.offer("c");
        assertEquals(List.of("a", "b", "c"), sent);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneaky(Throwable t) throws T {
        throw (T) t;
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

    @Test
    void insideADeferredStepOffersOnlyQueueAndAreSentInOrderAfterIt() {
        List<String> sent = new ArrayList<>();
        SendQueue<String> one = new SendQueue<>(10, (item, done) -> {
            sent.add("one:" + item);
            done.accept(null);
        }, failure -> { });
        SendQueue<String> two = new SendQueue<>(10, (item, done) -> {
            sent.add("two:" + item);
            done.accept(null);
        }, failure -> { });
        SendQueue.deferred(() -> {
            assertTrue(one.offer("a"));
            assertTrue(two.offer("b"));
            SendQueue.deferred(() -> one.offer("c"));
            assertEquals(List.of(), sent, "nothing written inside the step, nested or not");
            assertEquals(2, one.size());
        });
        assertEquals(List.of("one:a", "one:c", "two:b"), sent);
        one.offer("d");
        assertEquals("one:d", sent.get(sent.size() - 1), "outside a step, offers send at once");
    }

    @Test
    void refusesWhatExceedsTheConnectionsBytesButAlwaysTakesAFirstFrame() {
        SendBudget budget = new SendBudget(10, 1_000);
        SendQueue<String> queue = new SendQueue<>(100, String::length, budget, (item, done) -> { }, failure -> { });
        assertTrue(queue.offer("in flight"));
        assertTrue(queue.offer("a frame larger than ten bytes"), "the first waiting frame fits whatever its size");
        assertFalse(queue.offer("x"), "nothing more while over the connection's bytes");
        assertEquals(29, queue.bytes());
        assertEquals(29, budget.used());
    }

    @Test
    void refusesWhatExceedsTheBytesSharedByAllConnections() {
        SendBudget budget = new SendBudget(100, 12);
        SendQueue<String> one = new SendQueue<>(100, String::length, budget, (item, done) -> { }, failure -> { });
        SendQueue<String> two = new SendQueue<>(100, String::length, budget, (item, done) -> { }, failure -> { });
        one.offer("sending");
        two.offer("sending");
        assertTrue(one.offer("12345678"));
        assertFalse(two.offer("12345"), "8 + 5 is over the 12 bytes all connections share");
        assertTrue(two.offer("1234"));
        assertEquals(12, budget.used());
    }

    @Test
    void sentAndClearedFramesGiveTheirBytesBack() {
        SendBudget budget = new SendBudget(100, 100);
        Deque<Consumer<Throwable>> inFlight = new ArrayDeque<>();
        SendQueue<String> queue = new SendQueue<>(100, String::length, budget, (item, done) -> inFlight.add(done),
                failure -> { });
        queue.offer("first");
        queue.offer("second");
        queue.offer("third");
        assertEquals(11, budget.used(), "the frame in flight no longer counts");
        inFlight.poll().accept(null);
        assertEquals(5, budget.used());
        queue.clear();
        assertEquals(0, budget.used());
        assertEquals(0, queue.size());
    }

    /** A batching transmit whose sends complete when the test says so; records what each write held. */
    private static final class Batches implements SendQueue.BatchTransmit<String> {
        final List<List<String>> writes = new ArrayList<>();
        final Deque<Consumer<Throwable>> inFlight = new ArrayDeque<>();

        @Override
        public void send(String item, Consumer<Throwable> done) {
            sendAll(List.of(item), done);
        }

        @Override
        public void sendAll(List<String> items, Consumer<Throwable> done) {
            assertTrue(inFlight.isEmpty(), "one write in flight at a time");
            writes.add(List.copyOf(items));
            inFlight.add(done);
        }

        void completeAll() {
            while (!inFlight.isEmpty()) {
                inFlight.poll().accept(null);
            }
        }
    }

    @Test
    void itemsWaitingBehindAWriteGoOutTogetherInOrderInTheNextOne() {
        Batches transmit = new Batches();
        SendQueue<String> queue = new SendQueue<>(100, String::length, SendBudget.UNLIMITED, transmit, failure -> { });
        for (String item : List.of("a", "b", "c", "d")) {
            assertTrue(queue.offer(item));
        }

        transmit.completeAll();

        assertEquals(List.of(List.of("a"), List.of("b", "c", "d")), transmit.writes);
        assertEquals(0, queue.size());
        assertEquals(0, queue.bytes(), "the batch's bytes were released");
    }

    @Test
    void aBatchStopsAtItsItemAndByteBoundsAndTheRestFollows() {
        Batches transmit = new Batches();
        SendQueue<String> queue = new SendQueue<>(1_000, String::length, SendBudget.UNLIMITED, transmit, failure -> { });
        queue.offer("first");
        for (int i = 0; i < SendQueue.MAX_BATCH_ITEMS + 5; i++) {
            queue.offer("x");
        }
        String big = "y".repeat((int) SendQueue.MAX_BATCH_BYTES - 2);
        queue.offer(big);

        transmit.completeAll();

        assertEquals(List.of(1, SendQueue.MAX_BATCH_ITEMS, 5, 1), transmit.writes.stream().map(List::size).toList(),
                "64 small items, then the 5 left (the big one would pass the byte bound), then the big one");
        assertEquals(big, transmit.writes.get(3).get(0));
    }

    @Test
    void aTransmitThatCannotBatchIsGivenOneItemAtATime() {
        List<String> sent = new ArrayList<>();
        Deque<Consumer<Throwable>> inFlight = new ArrayDeque<>();
        SendQueue<String> queue = new SendQueue<>(10, (item, done) -> {
            sent.add(item);
            inFlight.add(done);
        }, failure -> { });
        queue.offer("a");
        queue.offer("b");
        queue.offer("c");
        while (!inFlight.isEmpty()) {
            inFlight.poll().accept(null);
        }
        assertEquals(List.of("a", "b", "c"), sent);
    }
}
