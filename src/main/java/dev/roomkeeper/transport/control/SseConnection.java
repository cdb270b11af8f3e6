package dev.roomkeeper.transport.control;

import dev.roomkeeper.platform.entity.JsonString;
import dev.roomkeeper.stream.control.EventSink;
import dev.roomkeeper.stream.control.OutboundEvent;
import dev.roomkeeper.stream.control.RoomSubscription;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.time.Instant;
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
    /** Queued last: when the queue reaches it, everything before it has been sent and the stream ends. */
    private final OutboundSseEvent end;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean ending = new AtomicBoolean();
    private volatile String epoch = "";
    private volatile String userId = "";
    private volatile String room = "";
    private volatile Instant tokenValidUntil;
    private volatile long lastSeq = -1;
    private volatile RoomSubscription subscription;

    public SseConnection(SseEventSink sink, Sse sse, int queueLimit, Consumer<SseConnection> onClose) {
        this.sink = sink;
        this.sse = sse;
        this.onClose = onClose;
        this.end = sse.newEventBuilder().comment("end").build();
        this.sends = new SendQueue<>(queueLimit, this::transmit, failure -> close());
    }

    void subscription(RoomSubscription subscription) {
        this.subscription = subscription;
    }

    RoomSubscription subscription() {
        return subscription;
    }

    /**
     * Whose stream this is: the room, the user, and the first instant the user's token is refused (its {@code exp}
     * plus the clock skew; null: never).
     */
    void owner(String room, String userId, Instant tokenValidUntil) {
        this.room = room;
        this.userId = userId;
        this.tokenValidUntil = tokenValidUntil;
    }

    /** True when the token the stream was opened with is refused at {@code now}. */
    boolean expired(Instant now) {
        Instant end = tokenValidUntil;
        return end != null && !now.isBefore(end);
    }

    /**
     * Ends the stream because its token expired: a {@code token-expired} event naming the last seq sent,
     * so the client reopens with a fresh token and {@code since}, then the end of the stream.
     */
    void tokenExpired() {
        if (ending.get()) {
            return;
        }
        long seq = lastSeq;
        enqueue(control("token-expired", "{\"room\":" + JsonString.quote(room)
                + (seq < 0 ? "" : ",\"seq\":" + seq) + "}"));
        closeAfterSends();
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
        lastSeq = event.event().seq();
        return enqueue(sse.newEventBuilder()
                .id(epoch + ":" + event.event().seq())
                .name(event.event().type())
                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, event.json())
                .build());
    }

    @Override
    public void resyncRequired(String room, long lastSeq, String epoch) {
        enqueue(control("snapshot-required", "{\"room\":" + JsonString.quote(room) + ",\"seq\":" + lastSeq
                + (epoch == null ? "" : ",\"epoch\":" + JsonString.quote(epoch)) + "}"));
        closeAfterSends();
    }

    /** Ends the stream once what is queued now has been sent (closing at once would drop it). */
    void closeAfterSends() {
        if (ending.compareAndSet(false, true) && !enqueue(end)) {
            close();
        }
    }

    private void transmit(OutboundSseEvent event, Consumer<Throwable> done) {
        if (event == end) {
            close();
            done.accept(null);
            return;
        }
        sink.send(event).whenComplete((ok, failure) -> done.accept(failure));
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
