package dev.roomkeeper.engine.redis;

import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.presence.control.PresenceStore;
import dev.roomkeeper.presence.entity.ChangeKind;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.presence.entity.PresenceEventData;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.presence.entity.PresenceSnapshot;
import dev.roomkeeper.presence.entity.SessionState;
import dev.roomkeeper.stream.control.StreamBroker;
import dev.roomkeeper.stream.entity.RoomEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Presence shared by every node on one Redis, beside the {@link RedisStreamBroker}. Each operation is one Lua
 * script ({@code presence-*.lua}) that changes the presence keys and publishes the resulting events with the
 * stream's own {@code publish_event} (included from {@code stream-library.lua}): the change and its event are atomic, so two nodes acting on
 * one user can never publish two joins or two leaves in a row, and every node's listeners see presence
 * events on the engine's one channel, in seq order.
 * <p>
 * Keys for a room {@code R} and prefix {@code rk:}: {@code rk:{R}:p:sessions} (hash, "user\nsession"
 * to the session record), {@code rk:{R}:p:users} (hash, user to its number of sessions),
 * {@code rk:{R}:p:last} (hash, user to lastDisconnected ms), and across rooms {@code rk:p:deadlines}
 * (sorted set, "R\nuser\nsession" scored by deadline) and {@code rk:p:user:<user>} (set of rooms). The
 * scripts touch per-room and global keys together: this needs one Redis (or a Sentinel-managed
 * primary), not Redis Cluster. See {@code src/docs/engine-redis.md}.
 */
public class RedisPresenceStore implements PresenceStore {

    private final RedisClient redis;
    private final EngineSettings settings;
    private final String deadlinesKey;
    private final RedisScript join = RedisScript.load("presence-join.lua");
    private final RedisScript heartbeat = RedisScript.load("presence-heartbeat.lua");
    private final RedisScript update = RedisScript.load("presence-update.lua");
    private final RedisScript reconnecting = RedisScript.load("presence-reconnecting.lua");
    private final RedisScript leave = RedisScript.load("presence-leave.lua");
    private final RedisScript leaveUser = RedisScript.load("presence-leave-user.lua");
    private final RedisScript clearRoom = RedisScript.load("presence-clear-room.lua");
    private final RedisScript expire = RedisScript.load("presence-expire.lua");
    private final RedisScript snapshot = RedisScript.load("presence-snapshot.lua");

    /** Uses the node's connections, clock, key prefix and channel; loads the scripts. */
    public RedisPresenceStore(RedisClient redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.settings = redis.settings();
        this.deadlinesKey = redis.key("p:deadlines");
        redis.load(List.of(join, heartbeat, update, reconnecting, leave, leaveUser, clearRoom, expire, snapshot));
    }

    @Override
    public Optional<PresenceChange> join(String room, String userId, String sessionId, String meta, long deadline) {
        PresenceEventData.requireIds(room, userId, sessionId);
        return one(room, null, join, userId, sessionId, PresenceEventData.quote(userId),
                PresenceEventData.quote(sessionId), meta(meta), Long.toString(deadline));
    }

    @Override
    public Heartbeat heartbeat(String room, String userId, String sessionId, long deadline) {
        PresenceEventData.requireIds(room, userId, sessionId);
        long now = settings.clock().millis();
        Object reply = redis.run(heartbeat, keys(room), redis.publishingArgs(room, now, userId, sessionId, Long.toString(deadline)));
        if (reply instanceof Long known) {
            return new Heartbeat(known == 1, Optional.empty());
        }
        return new Heartbeat(true, changes(room, now, reply, null).stream().findFirst());
    }

    @Override
    public Optional<PresenceChange> update(String room, String userId, String sessionId, String meta) {
        PresenceEventData.requireIds(room, userId, sessionId);
        return one(room, null, update, userId, sessionId, meta(meta));
    }

    @Override
    public Optional<PresenceChange> reconnecting(String room, String userId, String sessionId, long graceDeadline) {
        PresenceEventData.requireIds(room, userId, sessionId);
        return one(room, null, reconnecting, userId, sessionId, Long.toString(graceDeadline));
    }

    @Override
    public Optional<PresenceChange> leave(String room, String userId, String sessionId, LeaveReason reason) {
        PresenceEventData.requireIds(room, userId, sessionId);
        return one(room, reason, leave, userId, sessionId, reason.wireName());
    }

    @Override
    public List<PresenceChange> leaveUser(String room, String userId, LeaveReason reason) {
        StreamBroker.requireOneLine(room, "room");
        StreamBroker.requireOneLine(userId, "userId");
        return all(room, reason, leaveUser, userId, reason.wireName());
    }

    @Override
    public List<PresenceChange> clearRoom(String room, LeaveReason reason) {
        StreamBroker.requireOneLine(room, "room");
        return all(room, reason, clearRoom, reason.wireName());
    }

    @Override
    public List<PresenceChange> expire(long now, int max) {
        if (max <= 0) {
            return List.of();
        }
        List<PresenceChange> ended = new ArrayList<>();
        for (String member : redis.call(p -> p.zrangeByScore(deadlinesKey, "-inf", "(" + now, 0, max))) {
            int split = member.indexOf(WireEvent.SEPARATOR);
            if (split > 0) {
                String room = member.substring(0, split);
                ended.addAll(all(room, LeaveReason.EXPIRED, expire, member.substring(split + 1), Long.toString(now),
                        LeaveReason.EXPIRED.wireName()));
            }
        }
        return ended;
    }

    @Override
    public PresenceSnapshot snapshot(String room) {
        StreamBroker.requireOneLine(room, "room");
        List<?> reply = (List<?>) redis.run(snapshot, keys(room), List.of(RedisClient.newEpoch(), room,
                Long.toString(settings.streamIdleTtl().toMillis())));
        List<?> hash = (List<?>) reply.get(2);
        List<?> deadlines = (List<?>) reply.get(3);
        List<PresenceSession> sessions = new ArrayList<>(hash.size() / 2);
        for (int i = 0; i < hash.size(); i += 2) {
            String field = (String) hash.get(i);
            Record record = Record.decode((String) hash.get(i + 1));
            int split = field.indexOf(WireEvent.SEPARATOR);
            sessions.add(new PresenceSession(field.substring(split + 1), field.substring(0, split), record.meta(),
                    record.state(), record.joinedAt(), millis((String) deadlines.get(i / 2))));
        }
        List<?> last = (List<?>) reply.get(4);
        Map<String, Long> lastDisconnected = new HashMap<>();
        for (int i = 0; i < last.size(); i += 2) {
            lastDisconnected.put((String) last.get(i), millis((String) last.get(i + 1)));
        }
        return new PresenceSnapshot(room, (String) reply.get(0), (Long) reply.get(1), sessions, lastDisconnected);
    }

    @Override
    public int usersPresent(String room) {
        StreamBroker.requireOneLine(room, "room");
        return Math.toIntExact(redis.call(p -> p.hlen(roomKey(room, "users"))));
    }

    /** Deletes the room's {@code last} hash; the sessions and users hashes are already gone when nobody is present. */
    @Override
    public void release(String room) {
        StreamBroker.requireOneLine(room, "room");
        redis.call(p -> p.del(roomKey(room, "last")));
    }

    @Override
    public List<String> roomsOf(String userId) {
        return redis.call(p -> p.smembers(redis.key("p:user:" + userId)).stream().sorted().toList());
    }

    @Override
    public long sessionCount() {
        return redis.call(p -> p.zcard(deadlinesKey));
    }

    // ---- running the scripts

    private Optional<PresenceChange> one(String room, LeaveReason reason, RedisScript script, String... operation) {
        return all(room, reason, script, operation).stream().findFirst();
    }

    private List<PresenceChange> all(String room, LeaveReason reason, RedisScript script, String... operation) {
        long now = settings.clock().millis();
        return changes(room, now, redis.run(script, keys(room), redis.publishingArgs(room, now, operation)), reason);
    }

    private List<PresenceChange> changes(String room, long now, Object reply, LeaveReason reason) {
        List<?> rows = (List<?>) reply;
        if (rows.isEmpty()) {
            return List.of();
        }
        List<PresenceChange> changes = new ArrayList<>(rows.size());
        for (Object row : rows) {
            changes.add(change(room, now, (List<?>) row, reason));
        }
        return changes;
    }

    /** A row: kind, seq, data, field, state, joinedAt, meta, deadline[, occupancy seq, occupancy data]. */
    private static PresenceChange change(String room, long now, List<?> row, LeaveReason reason) {
        ChangeKind kind = ChangeKind.valueOf((String) row.get(0));
        String field = (String) row.get(3);
        int split = field.indexOf(WireEvent.SEPARATOR);
        String userId = field.substring(0, split);
        PresenceSession session = new PresenceSession(field.substring(split + 1), userId, (String) row.get(6),
                state((String) row.get(4)), Long.parseLong((String) row.get(5)), millis((String) row.get(7)));
        RoomEvent event = new RoomEvent(room, (Long) row.get(1), kind.eventType(), (String) row.get(2), now);
        RoomEvent occupancy = row.size() < 10 ? null : new RoomEvent(room, (Long) row.get(8),
                kind == ChangeKind.USER_JOINED ? PresenceChange.OCCUPIED : PresenceChange.VACATED, (String) row.get(9), now);
        return new PresenceChange(room, userId, session, kind, kind.sessionEnded() ? reason : null, event, occupancy);
    }

    private List<String> keys(String room) {
        return redis.publishingKeys(room, roomKey(room, "sessions"), roomKey(room, "users"), roomKey(room, "last"),
                deadlinesKey);
    }

    /** One of the room's presence keys: {@code sessions}, {@code users} or {@code last}. */
    private String roomKey(String room, String name) {
        return redis.roomKey(room, "p:" + name);
    }

    private static String meta(String meta) {
        return meta == null || meta.isBlank() ? "{}" : meta;
    }

    private static SessionState state(String wireName) {
        return "online".equals(wireName) ? SessionState.ONLINE : SessionState.RECONNECTING;
    }

    /** Scores come back as Redis formats doubles; whole milliseconds read as integers. */
    private static long millis(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return (long) Double.parseDouble(value);
        }
    }

    /** A session record as the scripts store it; user and session ids are read from its field instead. */
    private record Record(SessionState state, long joinedAt, String meta) {
        /** state \n joinedAt \n quoted user \n quoted session \n meta */
        static Record decode(String text) {
            int state = text.indexOf('\n');
            int joinedAt = text.indexOf('\n', state + 1);
            int user = text.indexOf('\n', joinedAt + 1);
            int session = text.indexOf('\n', user + 1);
            return new Record(RedisPresenceStore.state(text.substring(0, state)),
                    Long.parseLong(text.substring(state + 1, joinedAt)), text.substring(session + 1));
        }
    }
}
