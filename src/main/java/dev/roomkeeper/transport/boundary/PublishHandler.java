package dev.roomkeeper.transport.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.stream.control.RoomEvents;
import dev.roomkeeper.stream.entity.RoomEvent;
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
 * {@code {"from":{"userId","name"},"body":{...}}}; the ack names its seq.
 */
@ApplicationScoped
public class PublishHandler implements FrameHandler {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final int MAX_ROOM_REF = 128;

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
        Access granted = access.resolve(roomRef, connection.caller());
        if (!granted.role().canPublish()) {
            return Reply.refuse("forbidden", "Observers cannot publish in this room.");
        }
        Caller caller = connection.caller();
        JsonObject message = JSON.createObjectBuilder()
                .add("from", JSON.createObjectBuilder().add("userId", caller.userId()).add("name", caller.name()))
                .add("body", data)
                .build();
        RoomEvent event = events.publish(granted.roomId(), "message", message);
        return Reply.ack(JSON.createObjectBuilder().add("room", granted.roomId()).add("seq", event.seq()));
    }
}
