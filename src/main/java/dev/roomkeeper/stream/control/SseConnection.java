package dev.roomkeeper.stream.control;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One Server-Sent Events stream of one room. Events are sent one after another (each send waits for
 * the previous one), with {@code id: <epoch>:<seq>} so that the browser's automatic reconnect resumes
 * with {@code Last-Event-ID}.
 */
public final class SseConnection implements EventSink {

    private final SseEventSink sink;
    private final Sse sse;
    private final int queueLimit;
    private final Consumer<SseConnection> onClose;
    private final Queue<OutboundSseEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String epoch = "";
    private volatile String userId = "";
    private volatile String room = "";
    private volatile RoomSubscription subscription;

    public SseConnection(SseEventSink sink, Sse sse, int queueLimit, Consumer<SseConnection> onClose) {
        this.sink = sink;
        this.sse = sse;
        this.queueLimit = queueLimit;
        this.onClose = onClose;
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
        if (queued.incrementAndGet() > queueLimit) {
            close();
            return false;
        }
        queue.add(event);
        drain();
        return true;
    }

    private void drain() {
        while (true) {
            if (!sending.compareAndSet(false, true)) {
                return;
            }
            OutboundSseEvent next = queue.poll();
            if (next == null) {
                sending.set(false);
                if (queue.isEmpty()) {
                    return;
                }
                continue;
            }
            queued.decrementAndGet();
            AtomicInteger handoff = new AtomicInteger();
            try {
                sink.send(next).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        close();
                    }
                    sending.set(false);
                    if (handoff.getAndSet(2) == 1) {
                        drain();
                    }
                });
            } catch (RuntimeException e) {
                sending.set(false);
                close();
                return;
            }
            if (handoff.getAndSet(1) != 2) {
                return;
            }
        }
    }

    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.clear();
        try {
            sink.close();
        } catch (RuntimeException ignored) {
            // already gone
        }
        onClose.accept(this);
    }
}
