package dev.roomkeeper.transport.control;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes frames waiting to be sent may hold: per connection, and over all the connections that
 * share the budget (one node's WebSockets). A frame count alone does not bound the heap: 4,096 presence
 * snapshots are 60 MB, and 15,000 connections each a little behind add up. A connection's first waiting
 * frame is always admitted under its own limit, so one large frame is never refused for its size alone.
 * <p>
 * Frames shared by many connections (one event's frame goes to every subscriber) are counted once per
 * connection, so the total errs on the safe side.
 */
final class SendBudget {

    static final SendBudget UNLIMITED = new SendBudget(Long.MAX_VALUE, Long.MAX_VALUE);

    private final long perConnection;
    private final long total;
    private final AtomicLong used = new AtomicLong();

    /**
     * @param perConnection bytes one connection's waiting frames may hold
     * @param total         bytes all connections' waiting frames may hold together
     */
    SendBudget(long perConnection, long total) {
        this.perConnection = perConnection;
        this.total = total;
    }

    /** Counts {@code bytes} more for a connection whose waiting frames hold {@code held}; false when over. */
    boolean reserve(AtomicLong held, long bytes) {
        long mine = held.addAndGet(bytes);
        if (mine > bytes && mine > perConnection) {
            held.addAndGet(-bytes);
            return false;
        }
        if (used.addAndGet(bytes) > total) {
            used.addAndGet(-bytes);
            held.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** Gives back what a frame held once it is sent or dropped. */
    void release(AtomicLong held, long bytes) {
        held.addAndGet(-bytes);
        used.addAndGet(-bytes);
    }

    /** Bytes held by waiting frames of all connections. */
    long used() {
        return used.get();
    }
}
