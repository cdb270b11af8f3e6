package dev.roomkeeper.transport.control;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An ordered, bounded queue of outgoing items with one send in flight at a time, for transports with an
 * asynchronous send (WebSocket, SSE), bounded in items and optionally in bytes ({@link SendBudget}). A send
 * that completes on the caller's own stack continues in a loop instead of recursing, so a fast client never
 * deepens the stack.
 * <p>
 * Inside {@link #deferred}, offers only queue: the queues are drained when the deferred step returns. A
 * caller that may publish under a room's lock (a presence change, a client's publish) defers, so that the
 * lock is held for queueing each subscriber's frame, not for writing it to the socket.
 *
 * @param <T> what is sent
 */
final class SendQueue<T> {

    /** The queues that were offered items in the current thread's deferred step, in order; null outside one. */
    private static final ThreadLocal<Set<SendQueue<?>>> DEFERRED = new ThreadLocal<>();
    private static final Logger LOG = Logger.getLogger(SendQueue.class.getName());

    /**
     * A send that threw instead of reporting its failure through its callback: the server could not send this item
     * (an encoding error, a closed session), as opposed to the connection failing under a send.
     */
    static final class SendThrew extends RuntimeException {
        SendThrew(Throwable cause) {
            super("the send threw " + cause, cause, false, false);
        }
    }

    /** Starts sending one item; calls {@code done} with null on success or the failure. */
    interface Transmit<T> {
        void send(T item, Consumer<Throwable> done);
    }

    /**
     * A transmit that can also write several waiting items at once, in order, as one write ({@code done} once for
     * all of them): a socket that fell behind catches up with one write per batch instead of one per frame.
     */
    interface BatchTransmit<T> extends Transmit<T> {
        void sendAll(List<T> items, Consumer<Throwable> done);
    }

    /** At most this many items go in one batch… */
    static final int MAX_BATCH_ITEMS = 64;
    /** …and at most about this many bytes (by {@code bytes}; a first item of any size always goes). */
    static final long MAX_BATCH_BYTES = 64 * 1024;

    private final int limit;
    private final ToLongFunction<T> bytes;
    private final SendBudget budget;
    private final Transmit<T> transmit;
    private final Consumer<Throwable> onFailure;
    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();

    SendQueue(int limit, Transmit<T> transmit, Consumer<Throwable> onFailure) {
        this(limit, item -> 0, SendBudget.UNLIMITED, transmit, onFailure);
    }

    /**
     * @param bytes  how many bytes an item holds while it waits
     * @param budget the bytes waiting items may hold, in this queue and in all queues sharing it
     */
    SendQueue(int limit, ToLongFunction<T> bytes, SendBudget budget, Transmit<T> transmit, Consumer<Throwable> onFailure) {
        this.limit = limit;
        this.bytes = bytes;
        this.budget = budget;
        this.transmit = transmit;
        this.onFailure = onFailure;
    }

    /**
     * Queues an item and starts sending; false (nothing queued) when {@code limit} items already wait or
     * the item does not fit in the byte budget.
     */
    boolean offer(T item) {
        if (queued.incrementAndGet() > limit) {
            queued.decrementAndGet();
            return false;
        }
        if (!budget.reserve(queuedBytes, bytes.applyAsLong(item))) {
            queued.decrementAndGet();
            return false;
        }
        queue.add(item);
        Set<SendQueue<?>> deferred = DEFERRED.get();
        if (deferred != null) {
            deferred.add(this);
        } else {
            drain();
        }
        return true;
    }

    /**
     * Runs {@code step}, queueing without sending what it offers to any queue, then drains the queues it
     * offered to. Nested calls join the outermost step.
     */
    static void deferred(Runnable step) {
        if (DEFERRED.get() != null) {
            step.run();
            return;
        }
        Set<SendQueue<?>> offered = new LinkedHashSet<>();
        DEFERRED.set(offered);
        try {
            step.run();
        } finally {
            DEFERRED.remove();
            for (SendQueue<?> queue : offered) {
                queue.drain();
            }
        }
    }

    int size() {
        return queued.get();
    }

    /** Bytes the waiting items hold. */
    long bytes() {
        return queuedBytes.get();
    }

    void clear() {
        for (T item = queue.poll(); item != null; item = queue.poll()) {
            dequeued(item);
        }
    }

    /** Reports a failed send; a failure of the report itself is logged, never left to stop the queue. */
    private void fail(Throwable failure) {
        try {
            onFailure.accept(failure);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, e, () -> "handling a failed send failed");
        }
    }

    private void dequeued(T item) {
        queued.decrementAndGet();
        budget.release(queuedBytes, bytes.applyAsLong(item));
    }

    /** {@code first} and the items waiting behind it, up to a batch's bounds; null when nothing waits. */
    private List<T> batchAfter(T first) {
        if (queue.peek() == null) {
            return null;
        }
        List<T> batch = new ArrayList<>();
        batch.add(first);
        long size = bytes.applyAsLong(first);
        while (batch.size() < MAX_BATCH_ITEMS && size < MAX_BATCH_BYTES) {
            T more = queue.peek();
            if (more == null || size + bytes.applyAsLong(more) > MAX_BATCH_BYTES) {
                break;
            }
            more = queue.poll(); // the same, unless a clear() took it meanwhile
            if (more == null) {
                break;
            }
            dequeued(more);
            batch.add(more);
            size += bytes.applyAsLong(more);
        }
        return batch.size() == 1 ? null : batch;
    }

    private void drain() {
        while (true) {
            if (!sending.compareAndSet(false, true)) {
                return;
            }
            T next = queue.poll();
            if (next == null) {
                sending.set(false);
                if (queue.isEmpty()) {
                    return;
                }
                continue;
            }
            dequeued(next);
            List<T> batch = transmit instanceof BatchTransmit<T> ? batchAfter(next) : null;
            // 0: in flight, caller still here; 1: caller returned; 2: completed
            AtomicInteger handoff = new AtomicInteger();
            Consumer<Throwable> done = failure -> {
                try {
                    if (failure != null) {
                        fail(failure);
                    }
                } finally {
                    // whatever the failure handling did, the flag is cleared: left set, it would stop this
                    // queue for good, silently
                    sending.set(false);
                    if (handoff.getAndSet(2) == 1) {
                        drain();
                    }
                }
            };
            try {
                if (batch != null) {
                    ((BatchTransmit<T>) transmit).sendAll(batch, done);
                } else {
                    transmit.send(next, done);
                }
            } catch (Throwable e) {
                // anything, an Error too (Tyrus throws one for text it cannot encode): the failure closes the
                // socket instead of the flag stopping the queue
                sending.set(false);
                fail(new SendThrew(e));
                return;
            }
            if (handoff.getAndSet(1) != 2) {
                return;
            }
        }
    }
}
