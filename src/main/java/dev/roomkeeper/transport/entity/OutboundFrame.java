package dev.roomkeeper.transport.entity;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;

import java.util.List;

/**
 * A frame the server sends on a WebSocket, other than a room event (whose frame is encoded once per event and
 * shared by every subscriber). Every one is encoded in one place, {@code FrameEncoder}; the fields and their
 * order are those of {@code src/docs/protocol.md}.
 */
public sealed interface OutboundFrame {

    /** The reply to a successful {@code auth}. */
    record Welcome(String id, String connectionId, String userId, String userName, long time, Limits limits,
                   Long expiresAt) implements OutboundFrame {
    }

    /** The limits a welcome announces. */
    record Limits(int maxFrameBytes, double ratePerSecond, int rateBurst, int maxSubscriptions,
                  long idleTimeoutSeconds) {
    }

    /** The reply to a {@code ping}; {@code clientTime} is echoed when the ping carried a number. */
    record Pong(String id, long time, JsonNumber clientTime) implements OutboundFrame {
    }

    /** A command was carried out; {@code result} depends on the command. */
    record Ack(String id, long time, JsonObject result) implements OutboundFrame {
    }

    /** A command was refused; the socket stays open. {@code errors} lists invalid fields (may be empty). */
    record Error(String id, String code, String message, List<FieldError> errors, long time, JsonObject extensions)
            implements OutboundFrame {
        public Error {
            errors = List.copyOf(errors);
            extensions = extensions == null ? JsonObject.EMPTY_JSON_OBJECT : extensions;
        }

        public Error(String id, String code, String message, List<FieldError> errors, long time) {
            this(id, code, message, errors, time, null);
        }
    }

    /** A subscription ended because access was taken away ({@code removed}, {@code closed}). */
    record Unsubscribed(String room, String reason, long time) implements OutboundFrame {
    }

    /** A subscription ended because events were lost that cannot be replayed: take a snapshot. */
    record Resync(String room, long seq, String epoch) implements OutboundFrame {
    }
}
