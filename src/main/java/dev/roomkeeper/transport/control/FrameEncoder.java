package dev.roomkeeper.transport.control;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.transport.entity.OutboundFrame;
import dev.roomkeeper.transport.entity.OutboundFrame.Ack;
import dev.roomkeeper.transport.entity.OutboundFrame.Error;
import dev.roomkeeper.transport.entity.OutboundFrame.Pong;
import dev.roomkeeper.transport.entity.OutboundFrame.Resync;
import dev.roomkeeper.transport.entity.OutboundFrame.Unsubscribed;
import dev.roomkeeper.transport.entity.OutboundFrame.Welcome;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

/**
 * Encodes every frame the server sends on a WebSocket (but room events, which {@code OutboundEvent} encodes once
 * for all subscribers): the one place that knows their JSON.
 */
public final class FrameEncoder {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final java.util.Set<String> ERROR_MEMBERS = java.util.Set.of("type", "id", "code", "message", "errors", "time");

    private FrameEncoder() {
    }

    public static String encode(OutboundFrame frame) {
        if (frame instanceof Ack ack) {
            return typed("ack", ack.id()).add("time", ack.time()).add("result", ack.result()).build().toString();
        }
        if (frame instanceof Error error) {
            JsonObjectBuilder json = typed("error", error.id()).add("code", error.code()).add("message", error.message());
            if (!error.errors().isEmpty()) {
                JsonArrayBuilder errors = JSON.createArrayBuilder();
                for (FieldError f : error.errors()) {
                    errors.add(JSON.createObjectBuilder().add("field", f.field()).add("message", f.message()));
                }
                json.add("errors", errors);
            }
            // a problem's extension members (a conflict's current version and value, say), never over a standard one
            error.extensions().forEach((name, value) -> {
                if (!ERROR_MEMBERS.contains(name)) {
                    json.add(name, value);
                }
            });
            return json.add("time", error.time()).build().toString();
        }
        if (frame instanceof Welcome welcome) {
            JsonObjectBuilder json = typed("welcome", welcome.id())
                    .add("connectionId", welcome.connectionId())
                    .add("user", JSON.createObjectBuilder().add("id", welcome.userId()).add("name", welcome.userName()))
                    .add("time", welcome.time())
                    .add("limits", JSON.createObjectBuilder()
                            .add("maxFrameBytes", welcome.limits().maxFrameBytes())
                            .add("ratePerSecond", welcome.limits().ratePerSecond())
                            .add("rateBurst", welcome.limits().rateBurst())
                            .add("maxSubscriptions", welcome.limits().maxSubscriptions())
                            .add("idleTimeoutSeconds", welcome.limits().idleTimeoutSeconds()));
            if (welcome.expiresAt() != null) {
                json.add("expiresAt", welcome.expiresAt());
            }
            return json.build().toString();
        }
        if (frame instanceof Pong pong) {
            JsonObjectBuilder json = typed("pong", pong.id()).add("time", pong.time());
            if (pong.clientTime() != null) {
                json.add("clientTime", pong.clientTime());
            }
            return json.build().toString();
        }
        if (frame instanceof Unsubscribed unsubscribed) {
            return JSON.createObjectBuilder().add("type", "unsubscribed").add("room", unsubscribed.room())
                    .add("reason", unsubscribed.reason()).add("time", unsubscribed.time()).build().toString();
        }
        if (frame instanceof Resync resync) {
            JsonObjectBuilder json = JSON.createObjectBuilder().add("type", "resync").add("room", resync.room())
                    .add("seq", resync.seq());
            if (resync.epoch() != null) {
                json.add("epoch", resync.epoch());
            }
            return json.build().toString();
        }
        throw new IllegalArgumentException("no encoding for " + frame.getClass().getSimpleName());
    }

    private static JsonObjectBuilder typed(String type, String id) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("type", type);
        if (id != null) {
            json.add("id", id);
        }
        return json;
    }
}
