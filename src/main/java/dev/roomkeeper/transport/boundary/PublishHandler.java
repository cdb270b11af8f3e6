package dev.roomkeeper.transport.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.stream.control.RoomEvents;
import dev.roomkeeper.stream.entity.Published;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.transport.entity.FrameException;
import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import java.util.Set;

/**
 * {@code publish}: a member other than an observer puts a {@code message} event on the room's stream,
 * {@code {"from":{"userId","name"},"body":{...}}}; the ack names its seq and epoch. With a {@code publishId} the
 * publish happens at most once per user and id: a retry (after an {@code outcome-unknown} answer) acks the first
 * attempt's seq with {@code duplicate: true}.
 */
@ApplicationScoped
public class PublishHandler implements FrameHandler {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final int MAX_ROOM_REF = 128;
    private static final int MAX_PUBLISH_ID = 64;
    private static final java.util.regex.Pattern PUBLISH_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @Inject
    RoomAccess access;

    @Inject
    RoomEvents events;

    @Override
    public Set<String> types() {
        return Set.of("publish");
    }

    @Override
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        String roomRef = frame.requiredString("room", MAX_ROOM_REF);
        JsonObject data = frame.requiredObject("data");
        String publishId = frame.optionalString("publishId", MAX_PUBLISH_ID);
        if (publishId != null && !PUBLISH_ID.matcher(publishId).matches()) {
            throw new FrameException("\"publishId\" must be 1 to " + MAX_PUBLISH_ID + " characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'.");
        }
        Access granted = access.resolve(roomRef, connection.caller());
        if (!granted.role().canPublish()) {
            return Reply.refuse("forbidden", "Observers cannot publish in this room.");
        }
        Caller caller = connection.caller();
        JsonObject message = JSON.createObjectBuilder()
                .add("from", JSON.createObjectBuilder().add("userId", caller.userId()).add("name", caller.name()))
                .add("body", data)
                .build();
        if (publishId == null) {
            RoomEvent event = events.publish(granted.roomId(), "message", message);
            return Reply.ack(ack(granted.roomId(), event, false));
        }
        // one key per user and id (length-prefixed, so no two users' ids can make the same key)
        Published published = events.publishOnce(granted.roomId(), "message", message,
                caller.userId().length() + ":" + caller.userId() + ":" + publishId);
        return Reply.ack(ack(granted.roomId(), published.event(), published.duplicate()));
    }

    private static jakarta.json.JsonObjectBuilder ack(String roomId, RoomEvent event, boolean duplicate) {
        var result = JSON.createObjectBuilder().add("room", roomId).add("seq", event.seq());
        if (event.epoch() != null) {
            result.add("epoch", event.epoch());
        }
        return result.add("duplicate", duplicate);
    }
}
