package dev.roomkeeper.stream.control;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One Server-Sent Events stream of one room. Events are sent one after another (each send waits for
 * the previous one), with {@code id: <epoch>:<seq>} so that the browser's automatic reconnect resumes
 * with {@code Last-Event-ID}.
 */
public final class SseConnection implements EventSink {

    private final SseEventSink sink;
    private final Sse sse;
    private final Consumer<SseConnection> onClose;
    private final SendQueue<OutboundSseEvent> sends;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String epoch = "";
    private volatile String userId = "";
    private volatile String room = "";
    private volatile RoomSubscription subscription;

    public SseConnection(SseEventSink sink, Sse sse, int queueLimit, Consumer<SseConnection> onClose) {
        this.sink = sink;
        this.sse = sse;
        this.onClose = onClose;
        this.sends = new SendQueue<>(queueLimit,
                (event, done) -> sink.send(event).whenComplete((ok, failure) -> done.accept(failure)), failure -> close());
    }

    void subscription(RoomSubscription subscription) {
        this.subscription = subscription;
    }

    RoomSubscription subscription() {
        return subscription;
    }

    void owner(String room, String userId) {
        this.room = room;
        this.userId = userId;
    }

    String room() {
        return room;
    }

    String userId() {
        return userId;
    }

    void epoch(String epoch) {
        this.epoch = epoch;
    }

    @Override
    public boolean send(OutboundEvent event) {
        return enqueue(sse.newEventBuilder()
                .id(epoch + ":" + event.event().seq())
                .name(event.event().type())
                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, event.json())
                .build());
    }

    @Override
    public void resyncRequired(String room, long lastSeq) {
        enqueue(control("snapshot-required", "{\"room\":" + OutboundEvent.quote(room) + ",\"seq\":" + lastSeq + "}"));
        close();
    }

    /** A named control event (subscribed, snapshot-required) without an id, so resumption is unaffected. */
    OutboundSseEvent control(String name, String json) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, json).build();
    }

    void keepAlive() {
        enqueue(sse.newEventBuilder().comment("keep-alive").build());
    }

    boolean enqueue(OutboundSseEvent event) {
        if (closed.get() || sink.isClosed()) {
            close();
            return false;
        }
        if (!sends.offer(event)) {
            close();
            return false;
        }
        return true;
    }

    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        sends.clear();
        try {
            sink.close();
        } catch (RuntimeException ignored) {
            // already gone
        }
        onClose.accept(this);
    }
}
