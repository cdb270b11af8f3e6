package dev.roomkeeper.stream.control;

/**
 * Where a room subscription's events go: a WebSocket connection or an SSE stream.
 */
public interface EventSink {

    /** Queues the event for sending; false when the sink is closed or overloaded. */
    boolean send(OutboundEvent event);

    /**
     * The subscription lost events it cannot replay (the engine lost history): the client must take a
     * fresh snapshot and subscribe again. The subscription has already been removed.
     */
    void resyncRequired(String room, long lastSeq);
}
