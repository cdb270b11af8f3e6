package dev.roomkeeper.inserver.tally.boundary;

import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;

import java.util.Set;

/**
 * An example feature, written as a test fixture to show what a feature costs: live tallies per room (a show of
 * hands, a vote count). It is this one class, in its own package: a frame type ({@code tally.add}) handled here,
 * its state in its own space ({@code tally}) of the keyed-state primitive, its events ({@code tally.set}) on the
 * room's stream for every subscriber on every node. It edits no core file and registers nothing: CDI finds the
 * handler, and the socket core routes the frame type to it.
 */
@ApplicationScoped
public class TallyHandler implements FrameHandler {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final KeyedLimits LIMITS = new KeyedLimits(20, 4_096, 32);

    @Inject
    RoomAccess access;

    @Inject
    KeyedState state;

    @Override
    public Set<String> types() {
        return Set.of("tally.add");
    }

    @Override
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        Access granted = access.resolve(frame.requiredString("room", 128), connection.caller());
        String key = frame.requiredString("key", 32);
        Long by = frame.optionalLong("by", -100, 100);
        if (!granted.role().canPublish()) {
            return Reply.refuse("forbidden", "Observers cannot change a tally.");
        }
        KeyedResult result = state.apply(KeyedWrite.increment(granted.roomId(), "tally", key, by == null ? 1 : by)
                .by(connection.caller().userId()), LIMITS);
        if (!result.applied()) {
            return Reply.refuse("tally-refused", "The tally cannot take that (" + result.outcome() + ").");
        }
        return Reply.ack(JSON.createObjectBuilder().add("key", key).add("count", Long.parseLong(result.entry().value()))
                .add("version", result.seq()));
    }
}
