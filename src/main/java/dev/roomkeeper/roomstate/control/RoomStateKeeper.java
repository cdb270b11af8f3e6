package dev.roomkeeper.roomstate.control;

import dev.roomkeeper.auth.entity.Caller;
import dev.roomkeeper.keyed.control.KeyedState;
import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.keyed.entity.KeyedCleared;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.control.Meters;
import dev.roomkeeper.platform.control.ProblemException;
import dev.roomkeeper.platform.entity.JsonString;
import dev.roomkeeper.platform.entity.Problem.FieldError;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.rooms.control.RoomAccess;
import dev.roomkeeper.rooms.entity.Access;
import dev.roomkeeper.rooms.entity.RoomChange;
import dev.roomkeeper.roomstate.entity.StateKey;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A room's state: members read and write JSON values under keys ({@link StateKey}) of the space {@value #SPACE}
 * of the keyed-state primitive, within the quotas of {@link StateSettings} and the rules of {@link StateRules};
 * every change is one room event ({@code state.set}, {@code state.delete}, {@code state.cleared}). The state is
 * ephemeral: cleared when the room is vacated (but for the namespaces {@code room/kept} names) and when it
 * closes. Frames ({@code StateHandler}) and REST ({@code RoomStateResource}) both come here.
 */
@ApplicationScoped
public class RoomStateKeeper {

    private static final Logger LOG = Logger.getLogger(RoomStateKeeper.class.getName());

    /** The keyed-state space of room state; other features' spaces are out of reach of its frames and calls. */
    public static final String SPACE = "state";
    /** Rooms whose usage this node follows for its gauges, at most. */
    static final int MAX_SAMPLED_ROOMS = 10_000;

    @Inject
    KeyedState state;

    @Inject
    RoomAccess access;

    @Inject
    StateSettings settings;

    @Inject
    Meters metrics;

    private final Map<String, Meters.Counter> writes = new ConcurrentHashMap<>();
    private final Map<String, Meters.Counter> refusals = new ConcurrentHashMap<>();
    private final Map<String, Meters.Counter> clears = new ConcurrentHashMap<>();
    private Meters.Counter conflicts;
    /** Rooms written since the last usage sample. */
    private final Set<String> touched = ConcurrentHashMap.newKeySet();
    /** Room id to {keys, bytes} as last sampled, for rooms that hold state. */
    private final Map<String, long[]> usage = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        conflicts = metrics.counter("roomkeeper.state.conflicts");
        metrics.gauge("roomkeeper.state.rooms", this, k -> k.usage().rooms());
        metrics.gauge("roomkeeper.state.keys.max", this, k -> k.usage().keysMax());
        metrics.gauge("roomkeeper.state.keys.total", this, k -> k.usage().keysTotal());
        metrics.gauge("roomkeeper.state.bytes.max", this, k -> k.usage().bytesMax());
        metrics.gauge("roomkeeper.state.bytes.total", this, k -> k.usage().bytesTotal());
        metrics.gauge("roomkeeper.state.rooms.near.quota", this, k -> k.usage().nearQuota());
    }

    /** The caller's access to the room (members only; see {@link RoomAccess#resolve}). */
    public Access access(String roomRef, Caller caller) {
        return access.resolve(roomRef, caller);
    }

    public KeyedLimits limits() {
        return settings.limits();
    }

    /** The live keys under {@code prefix} ("" for all), valid at the snapshot's seq. */
    public KeyedSnapshot snapshot(Access room, String prefix) {
        if (!StateKey.validPrefix(prefix)) {
            throw ProblemException.invalid(List.of(new FieldError("prefix", "must be empty or a key's start: " + StateKey.RULE)));
        }
        return state.snapshot(room.roomId(), SPACE, prefix);
    }

    public Optional<KeyedEntry> get(Access room, StateKey key) {
        return state.get(room.roomId(), SPACE, key.name());
    }

    /**
     * Sets a key to a JSON value.
     *
     * @param condition when the set applies (ALWAYS, IF_ABSENT, IF_VERSION)
     * @param ttlMs     0 for none
     * @throws ProblemException 403 (not this caller's to write), 400 (a value the key cannot hold), or a
     *                          {@link StateRefusal}
     */
    public KeyedResult set(Access room, Caller caller, StateKey key, JsonValue value, Condition condition, long ttlMs,
                           String idempotencyKey) {
        StateRules.requireWritable(key, room.role(), caller);
        if (!JsonString.wellFormed(value)) {
            throw ProblemException.invalid(List.of(new FieldError("value", "must not hold a lone surrogate (\\ud800 alone)")));
        }
        StateRules.requireValid(key, value);
        return apply(new KeyedWrite(room.roomId(), SPACE, key.name(), KeyedWrite.Op.SET, value.toString(), 0, condition,
                ttlMs, idempotencyKey, caller.userId()));
    }

    /** Adds {@code by} to the integer at the key (absent counts as 0). */
    public KeyedResult increment(Access room, Caller caller, StateKey key, long by, long ttlMs, String idempotencyKey) {
        StateRules.requireWritable(key, room.role(), caller);
        StateRules.requireValid(key, null);
        return apply(new KeyedWrite(room.roomId(), SPACE, key.name(), KeyedWrite.Op.INCREMENT, null, by,
                Condition.always(), ttlMs, idempotencyKey, caller.userId()));
    }

    /** Deletes the key; {@link KeyedResult.Outcome#ABSENT} when it did not exist. */
    public KeyedResult delete(Access room, Caller caller, StateKey key, Condition condition, String idempotencyKey) {
        StateRules.requireWritable(key, room.role(), caller);
        return apply(new KeyedWrite(room.roomId(), SPACE, key.name(), KeyedWrite.Op.DELETE, null, 0, condition, 0,
                idempotencyKey, caller.userId()));
    }

    private KeyedResult apply(KeyedWrite write) {
        KeyedLimits limits = settings.limits();
        KeyedResult result = state.apply(write, limits);
        String key = write.key();
        switch (result.outcome()) {
            case APPLIED -> {
                writes.computeIfAbsent(write.op().name(), op -> metrics.counter("roomkeeper.state.writes",
                        "op", op.toLowerCase(java.util.Locale.ROOT))).inc();
                if (touched.size() < MAX_SAMPLED_ROOMS) {
                    touched.add(write.room());
                }
                return result;
            }
            case ABSENT, DUPLICATE -> {
                return result;
            }
            case CONFLICT -> {
                conflicts.inc();
                throw StateRefusal.conflict(key, result.entry());
            }
            case TOO_MANY_KEYS, TOO_MANY_BYTES, VALUE_TOO_LARGE -> {
                String limit = switch (result.outcome()) {
                    case TOO_MANY_KEYS -> "max-keys";
                    case TOO_MANY_BYTES -> "max-bytes";
                    default -> "max-value-bytes";
                };
                refusals.computeIfAbsent(limit, l -> metrics.counter("roomkeeper.state.quota.refusals", "limit", l)).inc();
                KeyedSnapshot now = state.snapshot(write.room(), SPACE, "\u0000"); // counts only: no key starts so
                long max = switch (limit) {
                    case "max-keys" -> limits.maxKeys();
                    case "max-bytes" -> limits.maxBytes();
                    default -> limits.maxValueBytes();
                };
                Long valueBytes = result.outcome() == KeyedResult.Outcome.VALUE_TOO_LARGE
                        ? (long) JsonString.utf8Length(write.value()) : null;
                throw StateRefusal.quota(key, limit, max, now.keys(), now.bytes(), valueBytes);
            }
            case NOT_A_NUMBER -> throw StateRefusal.notCountable("not-a-number", key, result.entry(),
                    "The key \"" + key + "\" holds a value that is not an integer; only integers can be incremented.");
            case OUT_OF_RANGE -> throw StateRefusal.notCountable("out-of-range", key, result.entry(),
                    "A counter is exact up to ±" + KeyedWrite.MAX_COUNTER + "; this increment would leave that range.");
            default -> throw new IllegalStateException("unexpected outcome " + result.outcome());
        }
    }

    // ---- lifetime

    /** The last user present left: the state goes, but for the namespaces {@code room/kept} names. */
    void onPresence(@Observes PresenceChange change) {
        if (change.occupancy() == null || !PresenceChange.VACATED.equals(change.occupancy().type())
                || change.reason() == LeaveReason.CLOSED) {
            return; // a closing room is cleared whole below
        }
        try {
            clear(change.room(), kept(change.room()), "vacated");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "room state could not be cleared on vacating " + change.room());
        }
    }

    /** The room closed: its state goes whole (the kept namespaces too), after {@code room.closed}. */
    void onRoomChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) @Priority(RoomChange.CLEAN_UP)
                      RoomChange change) {
        if (!(change instanceof RoomChange.Closed closed)) {
            return;
        }
        try {
            clear(closed.roomId(), List.of(), "closed");
            state.release(closed.roomId(), SPACE);
            touched.remove(closed.roomId());
            usage.remove(closed.roomId());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "room state could not be cleared on closing " + closed.roomId());
        }
    }

    /** The prefixes that survive vacating: {@code room/} (so the list itself stays) and those it names. */
    List<String> kept(String roomId) {
        List<String> kept = new ArrayList<>();
        kept.add("room/");
        state.get(roomId, SPACE, StateKey.KEPT).ifPresent(entry -> {
            for (String prefix : StateRules.keptPrefixes(StateRefusal.value(entry.value()))) {
                if (!kept.contains(prefix)) {
                    kept.add(prefix);
                }
            }
        });
        return kept;
    }

    private void clear(String roomId, List<String> keep, String reason) {
        KeyedCleared cleared = state.clear(roomId, SPACE, keep, reason);
        if (cleared.removed() > 0) {
            clears.computeIfAbsent(reason, r -> metrics.counter("roomkeeper.state.cleared", "reason", r)).inc();
            touched.add(roomId);
        }
    }

    // ---- usage, for the gauges

    /**
     * Reads the usage of the rooms written (or cleared) through this node since the last sample; rooms left with
     * no key are forgotten. Run by the {@code room-state-usage} job.
     *
     * @return how many rooms were read
     */
    public int sampleUsage() {
        List<String> rooms = new ArrayList<>(touched);
        touched.removeAll(rooms);
        for (String roomId : rooms) {
            KeyedSnapshot now = state.snapshot(roomId, SPACE, "\u0000");
            if (now.keys() == 0) {
                usage.remove(roomId);
            } else if (usage.size() < MAX_SAMPLED_ROOMS || usage.containsKey(roomId)) {
                usage.put(roomId, new long[]{now.keys(), now.bytes()});
            }
        }
        return rooms.size();
    }

    /**
     * The usage of the rooms written through this node, as last sampled.
     *
     * @param rooms     rooms holding state
     * @param keysMax   the most keys one of them holds
     * @param keysTotal their keys together
     * @param bytesMax  the most bytes one of them holds
     * @param bytesTotal their bytes together
     * @param nearQuota those at 80 % or more of their key or byte quota
     */
    public record Usage(int rooms, long keysMax, long keysTotal, long bytesMax, long bytesTotal, int nearQuota) {
    }

    public Usage usage() {
        KeyedLimits limits = settings.limits();
        int rooms = 0;
        int near = 0;
        long keysMax = 0;
        long keysTotal = 0;
        long bytesMax = 0;
        long bytesTotal = 0;
        for (long[] u : usage.values()) {
            rooms++;
            keysMax = Math.max(keysMax, u[0]);
            keysTotal += u[0];
            bytesMax = Math.max(bytesMax, u[1]);
            bytesTotal += u[1];
            if (u[0] * 5 >= limits.maxKeys() * 4L || u[1] * 5 >= limits.maxBytes() * 4) {
                near++;
            }
        }
        return new Usage(rooms, keysMax, keysTotal, bytesMax, bytesTotal, near);
    }
}
