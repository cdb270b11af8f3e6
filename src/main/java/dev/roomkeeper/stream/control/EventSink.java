package dev.roomkeeper.stream.control;

/**
 * Where a room subscription's events go: a WebSocket connection or an SSE stream.
 */
public interface EventSink {

    /** Queues the event for sending; false when the sink is closed or overloaded. */
    boolean send(OutboundEvent event);

    /**
     * The subscription lost events it cannot replay (the engine lost history), or met a new epoch (the engine
     * lost the room's stream and it started again at seq 1): the client must take a fresh snapshot and subscribe
     * again. The subscription has already ended.
     *
     * @param lastSeq the last seq the subscription delivered
     * @param epoch   the stream's new epoch when it restarted (a client subscribing with {@code since: 0} and it
     *                gets the new stream from its start while that is in the history), else null
     */
    void resyncRequired(String room, long lastSeq, String epoch);
}
