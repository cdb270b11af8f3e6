package dev.roomkeeper.engine.memory;

import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.keyed.entity.KeyedCleared;
import dev.roomkeeper.keyed.entity.KeyedEntry;
import dev.roomkeeper.keyed.entity.KeyedEvents;
import dev.roomkeeper.keyed.entity.KeyedLimits;
import dev.roomkeeper.keyed.entity.KeyedResult;
import dev.roomkeeper.keyed.entity.KeyedResult.Outcome;
import dev.roomkeeper.keyed.entity.KeyedSnapshot;
import dev.roomkeeper.keyed.entity.KeyedWrite;
import dev.roomkeeper.platform.entity.JsonString;
import dev.roomkeeper.stream.control.StreamBroker;
import dev.roomkeeper.stream.entity.RoomEvent;
import dev.roomkeeper.stream.entity.StreamPosition;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Pattern;

/**
 * Keyed room state for one node, beside the {@link MemoryStreamBroker}: each room's spaces are kept behind the
 * room's stream lock ({@link MemoryStreamBroker#inRoom}), so a change and its event are one step. Keys with a
 * time to live are also indexed by deadline across rooms, so {@link #expire} reads only the due head. The rules
 * are the Redis store's ({@code keyed-write.lua}); the contract suite holds both to them.
 */
public class MemoryKeyedStateStore implements KeyedStateStore {

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

    private final MemoryStreamBroker broker;
    private final Clock clock;
    /** room id to space name to space; an entry is read and written only under the room's lock */
    private final Map<String, Map<String, Space>> rooms = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Due> due = new ConcurrentSkipListSet<>();

    public MemoryKeyedStateStore(MemoryStreamBroker broker, Clock clock) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public KeyedResult apply(KeyedWrite write, KeyedLimits limits) {
        StreamBroker.requireOneLine(write.room(), "room");
        if (write.value() != null && JsonString.utf8Length(write.value()) > limits.maxValueBytes()) {
            return KeyedResult.unchanged(Outcome.VALUE_TOO_LARGE, write, get(write.room(), write.space(), write.key()).orElse(null), 0);
        }
        return broker.inRoom(write.room(), locked -> applyLocked(locked, write, limits));
    }

    private KeyedResult applyLocked(MemoryStreamBroker.LockedRoom locked, KeyedWrite write, KeyedLimits limits) {
        long now = clock.millis();
        Space space = space(write.room(), write.space(), false);
        if (write.idempotencyKey() != null && space != null) {
            Long done = space.done(write.idempotencyKey(), now);
            if (done != null) {
                return KeyedResult.unchanged(Outcome.DUPLICATE, write, space.live(write.key(), now), done);
            }
        }
        KeyedEntry stored = space == null ? null : space.entries.get(write.key());
        KeyedEntry live = stored == null || stored.expiredAt(now) ? null : stored;
        if (!write.condition().holds(live)) {
            return KeyedResult.unchanged(Outcome.CONFLICT, write, live, 0);
        }
        List<RoomEvent> events = new ArrayList<>(2);
        if (write.op() == KeyedWrite.Op.DELETE) {
            if (stored != null && live == null) {
                events.add(announceExpiry(locked, write.room(), write.space(), space, stored));
            }
            if (live == null) {
                remember(write, 0, now);
                return new KeyedResult(Outcome.ABSENT, write.room(), write.space(), write.key(), null, events, 0);
            }
            remove(write.room(), write.space(), space, live);
            if (write.silent()) {
                long version = locked.position().seq();
                remember(write, version, now);
                return new KeyedResult(Outcome.APPLIED, write.room(), write.space(), write.key(), null, events, version);
            }
            RoomEvent deleted = locked.publish(write.deleteEventType(),
                    seq -> KeyedEvents.deleted(write.key(), seq, write.by()));
            events.add(deleted);
            remember(write, deleted.seq(), now);
            return new KeyedResult(Outcome.APPLIED, write.room(), write.space(), write.key(), null, events, deleted.seq());
        }

        String value;
        long expiresAt;
        if (write.op() == KeyedWrite.Op.SET) {
            value = write.value();
            expiresAt = write.ttlMillis() > 0 ? now + write.ttlMillis() : 0;
        } else {
            String base = live == null ? "0" : live.value();
            if (!INTEGER.matcher(base).matches()) {
                return KeyedResult.unchanged(Outcome.NOT_A_NUMBER, write, live, 0);
            }
            long current = base.replace("-", "").length() > 16 ? Long.MAX_VALUE : Long.parseLong(base);
            if (Math.abs(current) > KeyedWrite.MAX_COUNTER || Math.abs(current + write.delta()) > KeyedWrite.MAX_COUNTER) {
                return KeyedResult.unchanged(Outcome.OUT_OF_RANGE, write, live, 0);
            }
            value = Long.toString(current + write.delta());
            expiresAt = write.ttlMillis() > 0 ? now + write.ttlMillis() : live == null ? 0 : live.expiresAt();
        }
        long keys = space == null ? 0 : space.entries.size();
        long bytes = space == null ? 0 : space.bytes;
        long bytesAfter = bytes + KeyedEvents.size(write.key(), value) - (stored == null ? 0 : size(stored));
        if (stored == null && keys + 1 > limits.maxKeys()) {
            return KeyedResult.unchanged(Outcome.TOO_MANY_KEYS, write, live, 0);
        }
        if (bytesAfter > limits.maxBytes() && bytesAfter > bytes) {
            return KeyedResult.unchanged(Outcome.TOO_MANY_BYTES, write, live, 0);
        }
        if (stored != null && live == null) {
            events.add(announceExpiry(locked, write.room(), write.space(), space, stored));
        }
        long version;
        if (write.silent()) {
            version = locked.position().seq();
        } else {
            long at = expiresAt;
            RoomEvent set = locked.publish(write.setEventType(), seq -> KeyedEvents.set(write.key(), value, seq, at, write.by()));
            events.add(set);
            version = set.seq();
        }
        KeyedEntry entry = new KeyedEntry(write.key(), value, version, expiresAt);
        put(write.room(), write.space(), live, entry);
        remember(write, version, now);
        return new KeyedResult(Outcome.APPLIED, write.room(), write.space(), write.key(), entry, events, version);
    }

    @Override
    public Optional<KeyedEntry> get(String room, String space, String key) {
        StreamBroker.requireOneLine(room, "room");
        if (!rooms.containsKey(room)) {
            return Optional.empty(); // nothing kept there: no need to take the room's lock
        }
        return broker.inRoom(room, locked -> {
            Space s = space(room, space, false);
            return Optional.ofNullable(s == null ? null : s.live(key, clock.millis()));
        });
    }

    @Override
    public KeyedSnapshot snapshot(String room, String space, String prefix) {
        StreamBroker.requireOneLine(room, "room");
        return broker.inRoom(room, locked -> {
            StreamPosition position = locked.position();
            Space s = space(room, space, false);
            if (s == null) {
                return new KeyedSnapshot(room, space, position.epoch(), position.seq(), List.of(), 0, 0);
            }
            long now = clock.millis();
            List<KeyedEntry> entries = new ArrayList<>();
            for (KeyedEntry entry : s.entries.tailMap(prefix, true).values()) {
                if (!entry.key().startsWith(prefix)) {
                    break;
                }
                if (!entry.expiredAt(now)) {
                    entries.add(entry);
                }
            }
            return new KeyedSnapshot(room, space, position.epoch(), position.seq(), entries, s.entries.size(), s.bytes);
        });
    }

    @Override
    public List<KeyedResult> expire(long now, int max) {
        List<KeyedResult> expired = new ArrayList<>();
        for (Due next : due) {
            if (expired.size() >= max || next.expiresAt() > now) {
                break;
            }
            broker.inRoom(next.room(), locked -> {
                Space space = space(next.room(), next.space(), false);
                KeyedEntry stored = space == null ? null : space.entries.get(next.key());
                if (stored == null || stored.expiresAt() != next.expiresAt()) {
                    due.remove(next); // written again, deleted or released since it was read
                    return null;
                }
                RoomEvent event = announceExpiry(locked, next.room(), next.space(), space, stored);
                expired.add(new KeyedResult(Outcome.APPLIED, next.room(), next.space(), next.key(), null, List.of(event),
                        event.seq()));
                return null;
            });
        }
        return expired;
    }

    @Override
    public KeyedCleared clear(String room, String spaceName, List<String> keep, String reason) {
        StreamBroker.requireOneLine(room, "room");
        KeyedCleared.check(keep, reason);
        List<String> kept = List.copyOf(keep);
        return broker.inRoom(room, locked -> {
            Space space = space(room, spaceName, false);
            List<KeyedEntry> gone = new ArrayList<>();
            if (space != null) {
                for (KeyedEntry entry : space.entries.values()) {
                    if (!KeyedCleared.kept(entry.key(), kept)) {
                        gone.add(entry);
                    }
                }
            }
            if (gone.isEmpty()) {
                return new KeyedCleared(room, spaceName, 0, List.of());
            }
            for (KeyedEntry entry : gone) {
                remove(room, spaceName, space, entry);
            }
            RoomEvent event = locked.publish(spaceName + ".cleared", KeyedEvents.cleared(reason, kept));
            return new KeyedCleared(room, spaceName, gone.size(), List.of(event));
        });
    }

    @Override
    public void release(String room, String space) {
        StreamBroker.requireOneLine(room, "room");
        if (!rooms.containsKey(room)) {
            return;
        }
        broker.inRoom(room, locked -> {
            Map<String, Space> spaces = rooms.get(room);
            Space s = spaces == null ? null : spaces.remove(space);
            if (s != null) {
                s.entries.values().forEach(entry -> due.remove(Due.of(room, space, entry)));
            }
            if (spaces != null && spaces.isEmpty()) {
                rooms.remove(room);
            }
            return null;
        });
    }

    /** Keys held, over all rooms (for tests and metrics). */
    public int keys() {
        return rooms.values().stream().flatMap(spaces -> spaces.values().stream()).mapToInt(s -> s.entries.size()).sum();
    }

    // ---- under the room's lock

    private RoomEvent announceExpiry(MemoryStreamBroker.LockedRoom locked, String room, String spaceName, Space space,
                                     KeyedEntry stored) {
        remove(room, spaceName, space, stored);
        return locked.publish(spaceName + ".delete", seq -> KeyedEvents.expired(stored.key(), seq));
    }

    private Space space(String room, String space, boolean create) {
        Map<String, Space> spaces = create ? rooms.computeIfAbsent(room, r -> new HashMap<>()) : rooms.get(room);
        if (spaces == null) {
            return null;
        }
        return create ? spaces.computeIfAbsent(space, s -> new Space()) : spaces.get(space);
    }

    /** Stores {@code entry} in place of {@code old} (null when new, or when the old one was removed as expired). */
    private void put(String room, String spaceName, KeyedEntry old, KeyedEntry entry) {
        Space space = space(room, spaceName, true);
        if (old != null) {
            space.bytes -= size(old);
            if (old.expiresAt() > 0) {
                due.remove(Due.of(room, spaceName, old));
            }
        }
        space.entries.put(entry.key(), entry);
        space.bytes += size(entry);
        if (entry.expiresAt() > 0) {
            due.add(Due.of(room, spaceName, entry));
        }
    }

    private void remove(String room, String spaceName, Space space, KeyedEntry entry) {
        space.entries.remove(entry.key());
        space.bytes -= size(entry);
        if (entry.expiresAt() > 0) {
            due.remove(Due.of(room, spaceName, entry));
        }
        forgetIfEmpty(room, spaceName, space);
    }

    private void remember(KeyedWrite write, long seq, long now) {
        if (write.idempotencyKey() != null) {
            space(write.room(), write.space(), true).done.put(write.idempotencyKey(),
                    new Done(seq, now + KeyedWrite.IDEMPOTENCY_WINDOW_MILLIS));
        }
    }

    private void forgetIfEmpty(String room, String spaceName, Space space) {
        if (space.entries.isEmpty() && space.done.isEmpty()) {
            Map<String, Space> spaces = rooms.get(room);
            spaces.remove(spaceName);
            if (spaces.isEmpty()) {
                rooms.remove(room);
            }
        }
    }

    private static long size(KeyedEntry entry) {
        return KeyedEvents.size(entry.key(), entry.value());
    }

    /** One space of one room; touched only under the room's lock. */
    private static final class Space {
        final TreeMap<String, KeyedEntry> entries = new TreeMap<>();
        /** idempotency key to what its write did, oldest first (every entry lives the same window) */
        final LinkedHashMap<String, Done> done = new LinkedHashMap<>();
        long bytes;

        KeyedEntry live(String key, long now) {
            KeyedEntry entry = entries.get(key);
            return entry == null || entry.expiredAt(now) ? null : entry;
        }

        /** The seq of an earlier write with this idempotency key, or null; drops the records past their window. */
        Long done(String idempotencyKey, long now) {
            for (Iterator<Done> oldest = done.values().iterator(); oldest.hasNext(); ) {
                if (oldest.next().until() > now) {
                    break;
                }
                oldest.remove();
            }
            Done earlier = done.get(idempotencyKey);
            return earlier == null ? null : earlier.seq();
        }
    }

    private record Done(long seq, long until) {
    }

    /** A key with a time to live, in the deadline index. */
    private record Due(long expiresAt, String room, String space, String key) implements Comparable<Due> {

        static Due of(String room, String space, KeyedEntry entry) {
            return new Due(entry.expiresAt(), room, space, entry.key());
        }

        @Override
        public int compareTo(Due other) {
            int c = Long.compare(expiresAt, other.expiresAt);
            if (c == 0) {
                c = room.compareTo(other.room);
            }
            if (c == 0) {
                c = space.compareTo(other.space);
            }
            return c != 0 ? c : key.compareTo(other.key);
        }
    }
}
