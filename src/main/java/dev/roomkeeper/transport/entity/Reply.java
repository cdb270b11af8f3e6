package dev.roomkeeper.transport.entity;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.stream.entity.Replay;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a frame handler answers; the socket core carries it out (sends the frame, subscribes, closes) and
 * echoes the command's {@code id}. Handlers never write to the socket themselves.
 */
public sealed interface Reply {

    /** {@code ack} with a result. */
    static Reply ack(JsonObject result) {
        return new Ack(result);
    }

    static Reply ack(JsonObjectBuilder result) {
        return new Ack(result.build());
    }

    /** An {@code error} frame; the socket stays open. */
    static Reply refuse(String code, String message) {
        return new Refused(code, message, List.of());
    }

    /** An {@code error} frame listing invalid fields, as a REST validation problem does. */
    static Reply refuse(String code, String message, List<FieldError> fields) {
        return new Refused(code, message, fields);
    }

    /** Another frame than an ack (a welcome, a pong). */
    static Reply send(OutboundFrame frame) {
        return new Send(frame);
    }

    /**
     * Follow the room's stream from {@code since} (null: from now) and acknowledge with {@code result} (made from
     * the replay decision) before any of the room's events.
     */
    static Reply follow(String roomId, Long since, String epoch, Function<Replay, JsonObject> result) {
        return new Follow(roomId, since, epoch, result);
    }

    /** Close the socket with a documented code. */
    static Reply close(int code, String reason) {
        return new Close(code, reason);
    }

    /** Nothing to send (a heartbeat without an id). */
    static Reply none() {
        return None.NONE;
    }

    record Ack(JsonObject result) implements Reply {
        public Ack {
            Objects.requireNonNull(result, "result");
        }
    }

    record Refused(String code, String message, List<FieldError> errors) implements Reply {
        public Refused {
            errors = List.copyOf(errors);
        }
    }

    record Send(OutboundFrame frame) implements Reply {
    }

    record Follow(String roomId, Long since, String epoch, Function<Replay, JsonObject> result) implements Reply {
    }

    record Close(int code, String reason) implements Reply {
    }

    enum None implements Reply {
        NONE
    }
}
