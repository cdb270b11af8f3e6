package dev.roomkeeper.stream.control;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An ordered, bounded queue of outgoing items with one send in flight at a time, for transports with an
 * asynchronous send (WebSocket, SSE). A send that completes on the caller's own stack continues in a
 * loop instead of recursing, so a fast client never deepens the stack.
 *
 * @param <T> what is sent
 */
final class SendQueue<T> {

    /** Starts sending one item; calls {@code done} with null on success or the failure. */
    interface Transmit<T> {
        void send(T item, Consumer<Throwable> done);
    }

    private final int limit;
    private final Transmit<T> transmit;
    private final Consumer<Throwable> onFailure;
    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean();

    SendQueue(int limit, Transmit<T> transmit, Consumer<Throwable> onFailure) {
        this.limit = limit;
        this.transmit = transmit;
        this.onFailure = onFailure;
    }

    /** Queues an item and starts sending; false (nothing queued) when {@code limit} items already wait. */
    boolean offer(T item) {
        if (queued.incrementAndGet() > limit) {
            queued.decrementAndGet();
            return false;
        }
        queue.add(item);
        drain();
        return true;
    }

    int size() {
        return queued.get();
    }

    void clear() {
        queue.clear();
        queued.set(0);
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
            queued.decrementAndGet();
            // 0: in flight, caller still here; 1: caller returned; 2: completed
            AtomicInteger handoff = new AtomicInteger();
            try {
                transmit.send(next, failure -> {
                    if (failure != null) {
                        onFailure.accept(failure);
                    }
                    sending.set(false);
                    if (handoff.getAndSet(2) == 1) {
                        drain();
                    }
                });
            } catch (RuntimeException e) {
                sending.set(false);
                onFailure.accept(e);
                return;
            }
            if (handoff.getAndSet(1) != 2) {
                return;
            }
        }
    }
}
