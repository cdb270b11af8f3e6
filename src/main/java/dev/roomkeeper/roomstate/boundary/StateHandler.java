package dev.roomkeeper.roomstate.boundary;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.roomstate.control.RoomStateKeeper;
import dev.roomkeeper.roomstate.entity.StateKey;
import dev.roomkeeper.transport.control.FrameHandler;
import dev.roomkeeper.transport.control.SocketConnection;
import dev.roomkeeper.transport.entity.ClientFrame;
import dev.roomkeeper.transport.entity.FrameException;
import dev.roomkeeper.transport.entity.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Room state over the socket: {@code state.get}, {@code state.snapshot}, {@code state.set},
 * {@code state.increment}, {@code state.delete} and {@code state.observe} (which narrows the {@code state.*}
 * events this socket gets for a room to keys under given prefixes). Refusals are error frames; a write whose
 * condition failed is {@code version-conflict} with the key's current version and value
 * ({@code src/docs/roomstate.md}).
 */
@ApplicationScoped
public class StateHandler implements FrameHandler {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final int MAX_ROOM_REF = 128;
    static final int MAX_OBSERVED_PREFIXES = 10;

    @Inject
    RoomStateKeeper keeper;

    @Override
    public Set<String> types() {
        return Set.of("state.get", "state.snapshot", "state.set", "state.increment", "state.delete", "state.observe");
    }

    @Override
    public Reply handle(SocketConnection connection, ClientFrame frame) {
        Caller caller = connection.caller();
        Access room = keeper.access(frame.requiredString("room", MAX_ROOM_REF), caller);
        return switch (frame.type()) {
            case "state.snapshot" -> snapshot(room, prefix(frame));
            case "state.observe" -> observe(connection, room, frame);
            case "state.get" -> {
                StateKey key = key(frame);
                yield Reply.ack(StateJson.entry(room.roomId(), key.name(), keeper.get(room, key).orElse(null)));
            }
            case "state.set" -> {
                StateKey key = key(frame);
                JsonValue value = frame.get("value");
                if (value == null) {
                    throw new FrameException("\"value\" is required: any JSON value (null too).");
                }
                KeyedResult result = keeper.set(room, caller, key, value, condition(frame, true), ttl(frame),
                        idempotencyKey(frame));
                yield Reply.ack(StateJson.written(room.roomId(), result));
            }
            case "state.increment" -> {
                StateKey key = key(frame);
                Long by = frame.optionalLong("by", -KeyedWrite.MAX_COUNTER, KeyedWrite.MAX_COUNTER);
                KeyedResult result = keeper.increment(room, caller, key, by == null ? 1 : by, ttl(frame), idempotencyKey(frame));
                yield Reply.ack(StateJson.written(room.roomId(), result));
            }
            case "state.delete" -> {
                StateKey key = key(frame);
                KeyedResult result = keeper.delete(room, caller, key, condition(frame, false), idempotencyKey(frame));
                yield Reply.ack(StateJson.deleted(room.roomId(), result));
            }
            default -> throw new IllegalStateException(frame.type());
        };
    }

    private Reply snapshot(Access room, String prefix) {
        return Reply.ack(StateJson.snapshot(keeper.snapshot(room, prefix), keeper.limits(), prefix));
    }

    /** Narrows the {@code state.*} events of the room this socket gets; an empty list widens it to all again. */
    private Reply observe(SocketConnection connection, Access room, ClientFrame frame) {
        JsonValue given = frame.get("prefixes");
        if (given == null || given.getValueType() != JsonValue.ValueType.ARRAY
                || given.asJsonArray().size() > MAX_OBSERVED_PREFIXES) {
            throw ProblemException.invalid(List.of(new FieldError("prefixes",
                    "must be an array of at most " + MAX_OBSERVED_PREFIXES + " key prefixes ([] for every key)")));
        }
        List<String> prefixes = new ArrayList<>();
        for (JsonValue item : given.asJsonArray()) {
            if (!(item instanceof jakarta.json.JsonString text) || !StateKey.valid(text.getString())) {
                throw ProblemException.invalid(List.of(new FieldError("prefixes", "each prefix " + StateKey.RULE)));
            }
            prefixes.add(text.getString());
        }
        connection.filter(room.roomId(), RoomStateKeeper.SPACE, prefixes.isEmpty() ? null : new StateEventFilter(prefixes));
        return Reply.ack(JSON.createObjectBuilder().add("room", room.roomId())
                .add("prefixes", JSON.createArrayBuilder(prefixes)).add("subscribed", connection.follows(room.roomId())));
    }

    private static StateKey key(ClientFrame frame) {
        String name = frame.requiredString("key", StateKey.MAX_LENGTH + 1);
        if (!StateKey.valid(name)) {
            throw ProblemException.invalid(List.of(new FieldError("key", StateKey.RULE)));
        }
        return new StateKey(name);
    }

    private static String prefix(ClientFrame frame) {
        String prefix = frame.optionalString("prefix", StateKey.MAX_LENGTH + 1);
        return prefix == null ? "" : prefix;
    }

    private static long ttl(ClientFrame frame) {
        Long ttl = frame.optionalLong("ttlMs", 1, KeyedWrite.MAX_TTL_MILLIS);
        return ttl == null ? 0 : ttl;
    }

    private static String idempotencyKey(ClientFrame frame) {
        String key = frame.optionalString("idempotencyKey", 64);
        if (key != null && !key.matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw ProblemException.invalid(List.of(new FieldError("idempotencyKey",
                    "must be 1 to 64 characters of A-Z a-z 0-9 _ . : -")));
        }
        return key;
    }

    /** {@code ifVersion} (compare-and-set) or, for a set, {@code ifAbsent: true} (create only); not both. */
    private static Condition condition(ClientFrame frame, boolean set) {
        Long version = frame.optionalLong("ifVersion", 1, Long.MAX_VALUE);
        JsonValue absent = set ? frame.get("ifAbsent") : null;
        if (absent != null && absent != JsonValue.NULL && absent != JsonValue.TRUE && absent != JsonValue.FALSE) {
            throw new FrameException("\"ifAbsent\" must be true or false.");
        }
        boolean ifAbsent = absent == JsonValue.TRUE;
        if (version != null && ifAbsent) {
            throw ProblemException.invalid(List.of(new FieldError("ifAbsent", "cannot go with ifVersion: a key that has a version exists")));
        }
        return version != null ? Condition.ifVersion(version) : ifAbsent ? Condition.ifAbsent() : Condition.always();
    }
}
