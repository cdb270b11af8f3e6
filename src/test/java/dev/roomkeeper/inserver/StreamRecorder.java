package dev.roomkeeper.inserver;

import dev.roomkeeper.stream.control.EventSink;
import dev.roomkeeper.stream.control.Hub;
import dev.roomkeeper.stream.control.OutboundEvent;
import dev.roomkeeper.stream.control.RoomSubscription;
import dev.roomkeeper.stream.entity.RoomEvent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Follows a room's stream on this node's hub, as a transport would, and keeps every event it is sent. */
final class StreamRecorder implements EventSink, AutoCloseable {

    private final Hub hub;
    private final RoomSubscription subscription;
    final List<RoomEvent> events = new CopyOnWriteArrayList<>();
    volatile boolean resync;

    StreamRecorder(Hub hub, String roomId) {
        this.hub = hub;
        this.subscription = hub.subscribe(roomId, this, null, null, replay -> { });
    }

    @Override
    public boolean send(OutboundEvent event) {
        events.add(event.event());
        return true;
    }

    @Override
    public void resyncRequired(String room, long lastSeq, String epoch) {
        resync = true;
    }

    List<String> types() {
        return events.stream().map(RoomEvent::type).toList();
    }

    @Override
    public void close() {
        hub.unsubscribe(subscription);
    }
}
