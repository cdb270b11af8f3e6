package dev.roomkeeper.stream.control;

import dev.roomkeeper.stream.entity.RoomEvent;
import jakarta.json.Json;
import jakarta.json.spi.JsonProvider;

import java.util.function.Function;

/**
 * A room event with its wire encodings, computed once and shared by every subscriber on this node.
 */
public final class OutboundEvent {
    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();


    private final RoomEvent event;
    private volatile String json;
    private volatile String frame;
    private volatile byte[] wire;

    public OutboundEvent(RoomEvent event) {
        this.event = event;
    }

    public RoomEvent event() {
        return event;
    }

    /** The event object: {@code {"room":..,"seq":..,"type":..,"data":{..},"time":..}} (SSE data). */
    public String json() {
        String j = json;
        if (j == null) {
            j = "{\"room\":" + quote(event.room()) + ",\"seq\":" + event.seq() + ",\"type\":" + quote(event.type())
                    + ",\"data\":" + event.data() + ",\"time\":" + event.time() + "}";
            json = j;
        }
        return j;
    }

    /** The WebSocket frame: {@code {"type":"event","event":{...}}}. */
    public String frame() {
        String f = frame;
        if (f == null) {
            f = "{\"type\":\"event\",\"event\":" + json() + "}";
            frame = f;
        }
        return f;
    }

    /**
     * The WebSocket frame as the bytes a transport writes, made by {@code framing} from {@link #frame()} on first
     * use and shared by every socket (the same framing must be passed by every caller).
     */
    public byte[] wire(Function<String, byte[]> framing) {
        byte[] w = wire;
        if (w == null) {
            w = framing.apply(frame());
            wire = w;
        }
        return w;
    }

    static String quote(String s) {
        return JSON.createValue(s).toString();
    }
}
