package dev.roomkeeper.transport.boundary;

import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.stream.entity.Replay;
import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.control.SocketSubscriptions;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import java.util.Set;

/**
 * {@code subscribe} (follow a room's stream, replaying from {@code since}) and {@code unsubscribe}. Only members
 * of an open room may subscribe; the ack comes before any of the room's events.
 */
@ApplicationScoped
public class SubscriptionHandler implements FrameHandler {

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final int MAX_ROOM_REF = 128;

    @Inject
    RoomAccess access;

    @Inject
    SocketSubscriptions subscriptions;

    @Override
    public Set<String> types() {
        return Set.of("subscribe", "unsubscribe");
    }

    @Override
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        return "subscribe".equals(frame.type()) ? subscribe(connection, frame) : unsubscribe(connection, frame);
    }

    private Reply subscribe(SocketConnection connection, ClientFrame frame) {
        String roomRef = frame.requiredString("room", MAX_ROOM_REF);
        Long since = frame.optionalSeq("since");
        String epoch = frame.optionalString("epoch", 64);
        Access granted = access.resolve(roomRef, connection.caller());
        if (!subscriptions.unfollow(connection, granted.roomId())
                && connection.following() >= subscriptions.maxSubscriptions()) {
            return Reply.refuse("too-many-subscriptions",
                    "A connection may subscribe to at most " + subscriptions.maxSubscriptions() + " rooms.");
        }
        return Reply.follow(granted.roomId(), since, epoch, replay -> subscribed(granted, replay));
    }

    private static JsonObject subscribed(Access granted, Replay replay) {
        return JSON.createObjectBuilder()
                .add("room", granted.roomId())
                .add("slug", granted.slug())
                .add("role", granted.role().wireName())
                .add("epoch", replay.epoch())
                .add("seq", replay.seq())
                .add("recovered", replay.recovered())
                .add("snapshotRequired", !replay.recovered())
                .add("replayed", replay.events().size())
                .build();
    }

    private Reply unsubscribe(SocketConnection connection, ClientFrame frame) {
        String roomRef = frame.requiredString("room", MAX_ROOM_REF);
        String roomId = roomRef;
        boolean ended = subscriptions.unfollow(connection, roomRef);
        if (!ended) {
            // the client may name the room by slug
            try {
                roomId = access.resolve(roomRef, connection.caller()).roomId();
                ended = subscriptions.unfollow(connection, roomId);
            } catch (ProblemException e) {
                ended = false;
            }
        }
        if (!ended) {
            return Reply.refuse("not-subscribed", "This connection is not subscribed to that room.");
        }
        return Reply.ack(JSON.createObjectBuilder().add("room", roomId));
    }
}
