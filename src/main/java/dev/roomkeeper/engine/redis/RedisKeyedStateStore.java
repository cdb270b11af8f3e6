package dev.roomkeeper.engine.redis;

import dev.roomkeeper.keyed.control.KeyedStateStore;
import dev.roomkeeper.keyed.entity.Condition;
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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Keyed room state shared by every node on one Redis, beside the {@link RedisStreamBroker}. A write is one Lua
 * script ({@code keyed-write.lua}) that checks the condition and the space's limits, changes the key and
 * publishes its events with the stream's {@code publish_event}: atomic on every node, one {@code PUBLISH} per
 * event. Expiries are found through one sorted set of deadlines across rooms and announced by
 * {@code keyed-expire.lua}, which re-checks the key, so sweeps on several nodes announce each once.
 * <p>
 * Keys for space {@code S} of room {@code R} and prefix {@code rk:}: {@code rk:{R}:k:S} (hash, key to
 * "version\nexpiresAt\nvalue"), {@code rk:{R}:k:S:meta} (hash: bytes), {@code rk:{R}:k:S:i:<idempotency key>}
 * (the seq of a write, for five minutes), and across rooms {@code rk:k:deadlines} (sorted set of
 * "R\nS\nkey" by expiresAt). Like presence, this needs one Redis (or a Sentinel-managed primary), not Cluster.
 */
public class RedisKeyedStateStore implements KeyedStateStore {

    private final RedisClient redis;
    private final String deadlinesKey;
    private final RedisScript write = RedisScript.load("keyed-write.lua");
    private final RedisScript expire = RedisScript.load("keyed-expire.lua");
    private final RedisScript snapshot = RedisScript.load("keyed-snapshot.lua");
    private final RedisScript clear = RedisScript.load("keyed-clear.lua");

    public RedisKeyedStateStore(RedisClient redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.deadlinesKey = redis.key("k:deadlines");
        redis.load(List.of(write, expire, snapshot, clear));
    }

    @Override
    public KeyedResult apply(KeyedWrite w, KeyedLimits limits) {
        StreamBroker.requireOneLine(w.room(), "room");
        if (w.value() != null && JsonString.utf8Length(w.value()) > limits.maxValueBytes()) {
            return KeyedResult.unchanged(Outcome.VALUE_TOO_LARGE, w, get(w.room(), w.space(), w.key()).orElse(null), 0);
        }
        long now = redis.settings().clock().millis();
        String idempotency = w.idempotencyKey() == null ? "" : w.idempotencyKey();
        List<String> keys = keys(w.room(), w.space(), spaceKey(w.room(), w.space()) + ":i:" + idempotency);
        List<String> args = redis.publishingArgs(w.room(), now, w.space(), op(w.op()), w.key(), KeyedEvents.quote(w.key()),
                w.op() == KeyedWrite.Op.SET ? w.value() : w.op() == KeyedWrite.Op.INCREMENT ? Long.toString(w.delta()) : "",
                condition(w.condition()), Long.toString(w.condition().version()), Long.toString(w.ttlMillis()),
                w.idempotencyKey() == null ? "" : Long.toString(KeyedWrite.IDEMPOTENCY_WINDOW_MILLIS),
                w.by() == null ? "" : KeyedEvents.quote(w.by()),
                Integer.toString(limits.maxKeys()), Long.toString(limits.maxBytes()), w.silent() ? "1" : "",
                w.condition().value() == null ? "" : w.condition().value());
        List<?> reply = (List<?>) redis.run(write, keys, args);
        Outcome outcome = Outcome.valueOf((String) reply.get(0));
        long seq = (Long) reply.get(1);
        KeyedEntry entry = reply.get(4) == null ? null
                : new KeyedEntry(w.key(), (String) reply.get(4), (Long) reply.get(2), (Long) reply.get(3));
        List<RoomEvent> events = new ArrayList<>(2);
        for (int i = 5; i + 2 < reply.size(); i += 3) {
            events.add(new RoomEvent(w.room(), (Long) reply.get(i), (String) reply.get(i + 1), (String) reply.get(i + 2), now));
        }
        return new KeyedResult(outcome, w.room(), w.space(), w.key(), entry, events, seq);
    }

    @Override
    public Optional<KeyedEntry> get(String room, String space, String key) {
        StreamBroker.requireOneLine(room, "room");
        String record = redis.call(p -> p.hget(spaceKey(room, space), key));
        if (record == null) {
            return Optional.empty();
        }
        KeyedEntry entry = decode(key, record);
        return entry.expiredAt(redis.settings().clock().millis()) ? Optional.empty() : Optional.of(entry);
    }

    @Override
    public KeyedSnapshot snapshot(String room, String space, String prefix) {
        StreamBroker.requireOneLine(room, "room");
        List<?> reply = (List<?>) redis.run(snapshot, keys(room, space), List.of(RedisClient.newEpoch(),
                Long.toString(redis.settings().streamIdleTtl().toMillis())));
        long now = redis.settings().clock().millis();
        List<?> hash = (List<?>) reply.get(2);
        List<KeyedEntry> entries = new ArrayList<>();
        for (int i = 0; i < hash.size(); i += 2) {
            String key = (String) hash.get(i);
            if (key.startsWith(prefix)) {
                KeyedEntry entry = decode(key, (String) hash.get(i + 1));
                if (!entry.expiredAt(now)) {
                    entries.add(entry);
                }
            }
        }
        entries.sort(Comparator.comparing(KeyedEntry::key));
        return new KeyedSnapshot(room, space, (String) reply.get(0), (Long) reply.get(1), entries, hash.size() / 2,
                (Long) reply.get(3));
    }

    @Override
    public List<KeyedResult> expire(long now, int max) {
        if (max <= 0) {
            return List.of();
        }
        List<KeyedResult> expired = new ArrayList<>();
        for (String member : redis.call(p -> p.zrangeByScore(deadlinesKey, "-inf", Long.toString(now), 0, max))) {
            int a = member.indexOf('\n');
            int b = member.indexOf('\n', a + 1);
            if (a <= 0 || b <= a) {
                redis.call(p -> p.zrem(deadlinesKey, member)); // not ours: never written by keyed-write.lua
                continue;
            }
            String room = member.substring(0, a);
            String space = member.substring(a + 1, b);
            String key = member.substring(b + 1);
            List<?> row = (List<?>) redis.run(expire, keys(room, space),
                    redis.publishingArgs(room, now, space, key, KeyedEvents.quote(key)));
            if (!row.isEmpty()) {
                RoomEvent event = new RoomEvent(room, (Long) row.get(0), (String) row.get(1), (String) row.get(2), now);
                expired.add(new KeyedResult(Outcome.APPLIED, room, space, key, null, List.of(event), event.seq()));
            }
        }
        return expired;
    }

    @Override
    public KeyedCleared clear(String room, String space, List<String> keep, String reason) {
        StreamBroker.requireOneLine(room, "room");
        KeyedCleared.check(keep, reason);
        long now = redis.settings().clock().millis();
        List<String> own = new ArrayList<>(2 + keep.size());
        own.add(space);
        own.add(KeyedEvents.cleared(reason, keep));
        own.addAll(keep);
        List<?> reply = (List<?>) redis.run(clear, keys(room, space),
                redis.publishingArgs(room, now, own.toArray(String[]::new)));
        int removed = ((Long) reply.get(0)).intValue();
        if (reply.size() < 4) {
            return new KeyedCleared(room, space, removed, List.of());
        }
        RoomEvent event = new RoomEvent(room, (Long) reply.get(1), (String) reply.get(2), (String) reply.get(3), now);
        return new KeyedCleared(room, space, removed, List.of(event));
    }

    @Override
    public void release(String room, String space) {
        StreamBroker.requireOneLine(room, "room");
        // deadlines left behind are dropped by the next sweep that meets them
        redis.call(p -> p.del(spaceKey(room, space), spaceKey(room, space) + ":meta"));
    }

    private List<String> keys(String room, String space, String... more) {
        List<String> keys = new ArrayList<>(redis.publishingKeys(room, spaceKey(room, space), spaceKey(room, space) + ":meta",
                deadlinesKey));
        keys.addAll(List.of(more));
        return keys;
    }

    private String spaceKey(String room, String space) {
        return redis.roomKey(room, "k:" + space);
    }

    private static KeyedEntry decode(String key, String record) {
        int a = record.indexOf('\n');
        int b = record.indexOf('\n', a + 1);
        return new KeyedEntry(key, record.substring(b + 1), Long.parseLong(record.substring(0, a)),
                Long.parseLong(record.substring(a + 1, b)));
    }

    private static String op(KeyedWrite.Op op) {
        return switch (op) {
            case SET -> "set";
            case INCREMENT -> "incr";
            case DELETE -> "del";
        };
    }

    private static String condition(Condition condition) {
        return switch (condition.kind()) {
            case ALWAYS -> "always";
            case IF_ABSENT -> "absent";
            case IF_PRESENT -> "present";
            case IF_VERSION -> "version";
            case IF_UNCHANGED -> "unchanged";
        };
    }
}
