package dev.roomkeeper.engine.control;

import dev.roomkeeper.engine.control.RedisEngine.Script;
import dev.roomkeeper.engine.entity.EngineSettings;
import dev.roomkeeper.presence.control.PresenceStore;
import dev.roomkeeper.presence.entity.ChangeKind;
import dev.roomkeeper.presence.entity.LeaveReason;
import dev.roomkeeper.presence.entity.PresenceChange;
import dev.roomkeeper.presence.entity.PresenceSession;
import dev.roomkeeper.presence.entity.PresenceSnapshot;
import dev.roomkeeper.presence.entity.SessionState;
import dev.roomkeeper.stream.entity.RoomEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Presence shared by every node on one Redis, beside the {@link RedisEngine}. Each operation is one Lua
 * script that changes the presence keys and publishes the resulting events with the engine's own
 * {@link RedisEngine#PUBLISH_FUNCTION}: the change and its event are atomic, so two nodes acting on
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

    /** The event type and change name of each {@link ChangeKind}, as a Lua table built from the enum. */
    private static final String KINDS = Arrays.stream(ChangeKind.values())
            .map(k -> k.name() + " = {'" + k.eventType() + "', " + (k.change() == null ? "false" : "'" + k.change() + "'") + "}")
            .collect(Collectors.joining(",\n  ", "local KINDS = {\n  ", "\n}\n"));

    /**
     * What every mutating script shares. KEYS: the room's seq, epoch and history (the engine's), then
     * sessions, users, last, and the global deadlines set. ARGV 1-7: epoch to create, room, now, history
     * size, idle TTL (ms), channel, key prefix; the operation's own arguments follow.
     * <p>
     * A session record is five fields joined by newlines: state, joinedAt, user id and session id as
     * quoted JSON strings (quoted once, in Java, by {@link PresenceEventData#quote}, so event data is
     * concatenated, never escaped in Lua), and the metadata last. Its deadline lives only in the
     * deadlines set. Each mutating script returns a list of rows, one per presence event: kind, seq,
     * data, field, state, joinedAt, meta, deadline, and, when the room's occupancy changed with it, the seq
     * and data of the {@code room.occupied} or {@code room.vacated} published right after it. The room is
     * occupied while its users hash is not empty: a join that makes {@code HLEN} 1 occupies it, a leave that
     * makes it 0 vacates it.
     */
    static final String LIBRARY = RedisEngine.PUBLISH_FUNCTION + KINDS
            + "local OCCUPIED, VACATED = '" + PresenceChange.OCCUPIED + "', '" + PresenceChange.VACATED + "'\n" + """
            local K_SESSIONS, K_USERS, K_LAST, K_DEADLINES = KEYS[4], KEYS[5], KEYS[6], KEYS[7]
            local ROOM, NOW, IDLE_TTL, PREFIX = ARGV[2], ARGV[3], ARGV[5], ARGV[7]

            local function emit(event_type, data)
              return publish_event(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ROOM, NOW, event_type, data, ARGV[4],
                IDLE_TTL, ARGV[6])
            end

            local function decode(field, record)
              local a = string.find(record, '\\n', 1, true)
              local b = string.find(record, '\\n', a + 1, true)
              local c = string.find(record, '\\n', b + 1, true)
              local d = string.find(record, '\\n', c + 1, true)
              return {field = field, state = string.sub(record, 1, a - 1), joined = string.sub(record, a + 1, b - 1),
                user = string.sub(record, b + 1, c - 1), sid = string.sub(record, c + 1, d - 1),
                meta = string.sub(record, d + 1)}
            end

            local function save(s)
              redis.call('HSET', K_SESSIONS, s.field,
                s.state .. '\\n' .. s.joined .. '\\n' .. s.user .. '\\n' .. s.sid .. '\\n' .. s.meta)
            end

            local function find(field)
              local record = redis.call('HGET', K_SESSIONS, field)
              if record then
                return decode(field, record)
              end
              return nil
            end

            local function member(field)
              return ROOM .. '\\n' .. field
            end

            local function user_key(field)
              return PREFIX .. 'p:user:' .. string.sub(field, 1, string.find(field, '\\n', 1, true) - 1)
            end

            -- publishes room.occupied or room.vacated after the event of row, and appends its seq and data to the row
            local function with_occupancy(row, event_type, data)
              row[9] = emit(event_type, data)
              row[10] = data
            end

            -- publishes a join or an update of session s
            local function publish_change(kind, s, deadline, reason)
              local k = KINDS[kind]
              local data = '{"userId":' .. s.user .. ',"sessionId":' .. s.sid
              if k[2] then
                data = data .. ',"change":"' .. k[2] .. '"'
              end
              data = data .. ',"state":"' .. s.state .. '","joinedAt":' .. s.joined .. ',"meta":' .. s.meta
              if reason then
                data = data .. ',"reason":"' .. reason .. '"'
              end
              data = data .. '}'
              return {kind, emit(k[1], data), data, s.field, s.state, s.joined, s.meta, deadline}
            end

            -- ends session s: a session removal, or the user's leave when it was the last
            local function end_session(s, reason)
              local m = member(s.field)
              local deadline = redis.call('ZSCORE', K_DEADLINES, m) or '0'
              redis.call('HDEL', K_SESSIONS, s.field)
              redis.call('ZREM', K_DEADLINES, m)
              local user = string.sub(s.field, 1, string.find(s.field, '\\n', 1, true) - 1)
              if redis.call('HINCRBY', K_USERS, user, -1) > 0 then
                return publish_change('SESSION_REMOVED', s, deadline, reason)
              end
              redis.call('HDEL', K_USERS, user)
              redis.call('HSET', K_LAST, user, NOW)
              redis.call('PEXPIRE', K_LAST, IDLE_TTL)
              redis.call('SREM', user_key(s.field), ROOM)
              local data = '{"userId":' .. s.user .. ',"sessionId":' .. s.sid .. ',"reason":"' .. reason
                .. '","lastDisconnected":' .. NOW .. '}'
              local row = {'USER_LEFT', emit(KINDS.USER_LEFT[1], data), data, s.field, s.state, s.joined, s.meta, deadline}
              if redis.call('HLEN', K_USERS) == 0 then
                with_occupancy(row, VACATED, '{"at":' .. NOW .. ',"reason":"' .. reason .. '"}')
              end
              return row
            end

            local function end_all(sessions, reason)
              table.sort(sessions, function(x, y) return x.field < y.field end)
              local rows = {}
              for _, s in ipairs(sessions) do
                rows[#rows + 1] = end_session(s, reason)
              end
              return rows
            end
            """;

    /** ARGV 8-13: user, session, quoted user, quoted session, meta, deadline. */
    static final String JOIN = LIBRARY + """
            local field = ARGV[8] .. '\\n' .. ARGV[9]
            redis.call('ZADD', K_DEADLINES, ARGV[13], member(field))
            local s = find(field)
            if s then
              local kind
              if s.state == 'reconnecting' then
                kind = 'RESUMED'
              elseif s.meta ~= ARGV[12] then
                kind = 'META_UPDATED'
              else
                return {}
              end
              s.state = 'online'
              s.meta = ARGV[12]
              save(s)
              return {publish_change(kind, s, ARGV[13])}
            end
            s = {field = field, state = 'online', joined = NOW, user = ARGV[10], sid = ARGV[11], meta = ARGV[12]}
            save(s)
            if redis.call('HINCRBY', K_USERS, ARGV[8], 1) > 1 then
              return {publish_change('SESSION_ADDED', s, ARGV[13])}
            end
            redis.call('HDEL', K_LAST, ARGV[8])
            redis.call('SADD', user_key(field), ROOM)
            local row = publish_change('USER_JOINED', s, ARGV[13])
            if redis.call('HLEN', K_USERS) == 1 then
              with_occupancy(row, OCCUPIED, '{"at":' .. NOW .. '}')
            end
            return {row}
            """;

    /**
     * ARGV 8-10: user, session, deadline. Returns 0 (unknown), 1 (extended) or the RESUMED row. An online
     * session costs one HGET and one ZADD and returns before the library's functions are even defined
     * (measured: 3-4 µs of Redis time per call, 7.6 with the library first); only a resume goes on to
     * define them and publish.
     */
    static final String HEARTBEAT = """
            local field = ARGV[8] .. '\\n' .. ARGV[9]
            local record = redis.call('HGET', KEYS[4], field)
            if not record then
              return 0
            end
            redis.call('ZADD', KEYS[7], ARGV[10], ARGV[2] .. '\\n' .. field)
            if string.sub(record, 1, 7) == 'online\\n' then
              return 1
            end
            """ + LIBRARY + """
            local s = decode(field, record)
            s.state = 'online'
            save(s)
            return {publish_change('RESUMED', s, ARGV[10])}
            """;

    /** ARGV 8-10: user, session, meta. */
    static final String UPDATE = LIBRARY + """
            local s = find(ARGV[8] .. '\\n' .. ARGV[9])
            if not s or s.meta == ARGV[10] then
              return {}
            end
            s.meta = ARGV[10]
            save(s)
            return {publish_change('META_UPDATED', s, redis.call('ZSCORE', K_DEADLINES, member(s.field)) or '0')}
            """;

    /** ARGV 8-10: user, session, grace deadline. */
    static final String RECONNECTING = LIBRARY + """
            local s = find(ARGV[8] .. '\\n' .. ARGV[9])
            if not s or s.state ~= 'online' then
              return {}
            end
            s.state = 'reconnecting'
            save(s)
            redis.call('ZADD', K_DEADLINES, ARGV[10], member(s.field))
            return {publish_change('RECONNECTING', s, ARGV[10])}
            """;

    /** ARGV 8-10: user, session, reason. */
    static final String LEAVE = LIBRARY + """
            local s = find(ARGV[8] .. '\\n' .. ARGV[9])
            if not s then
              return {}
            end
            return {end_session(s, ARGV[10])}
            """;

    /** ARGV 8-9: user, reason. */
    static final String LEAVE_USER = LIBRARY + """
            local prefix = ARGV[8] .. '\\n'
            local all = redis.call('HGETALL', K_SESSIONS)
            local sessions = {}
            for i = 1, #all, 2 do
              if string.sub(all[i], 1, #prefix) == prefix then
                sessions[#sessions + 1] = decode(all[i], all[i + 1])
              end
            end
            return end_all(sessions, ARGV[9])
            """;

    /** ARGV 8: reason. */
    static final String CLEAR_ROOM = LIBRARY + """
            local all = redis.call('HGETALL', K_SESSIONS)
            local sessions = {}
            for i = 1, #all, 2 do
              sessions[#sessions + 1] = decode(all[i], all[i + 1])
            end
            return end_all(sessions, ARGV[8])
            """;

    /**
     * ARGV 8-10: field ("user\nsession"), the sweep's now, reason. Ends the session only if its deadline
     * is still before now: one that heartbeated since it was read, or that another node ended, is
     * skipped. A deadline left without its session is dropped.
     */
    static final String EXPIRE = LIBRARY + """
            local m = member(ARGV[8])
            local deadline = redis.call('ZSCORE', K_DEADLINES, m)
            if not deadline or tonumber(deadline) >= tonumber(ARGV[9]) then
              return {}
            end
            local s = find(ARGV[8])
            if not s then
              redis.call('ZREM', K_DEADLINES, m)
              return {}
            end
            return {end_session(s, ARGV[10])}
            """;

    /**
     * Reads a room's presence and stream position together. KEYS as the mutating scripts. ARGV: epoch to
     * create if the room has none (as the engine's read script does), room, idle TTL (ms). Returns
     * {epoch, seq, sessions hash flattened, their deadlines, last hash flattened}.
     */
    static final String SNAPSHOT = """
            local epoch = redis.call('GET', KEYS[2])
            if not epoch then
              redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
              epoch = ARGV[1]
            end
            local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
            local sessions = redis.call('HGETALL', KEYS[4])
            local deadlines = {}
            for i = 1, #sessions, 2 do
              deadlines[#deadlines + 1] = redis.call('ZSCORE', KEYS[7], ARGV[2] .. '\\n' .. sessions[i]) or '0'
            end
            return {epoch, seq, sessions, deadlines, redis.call('HGETALL', KEYS[6])}
            """;

    private final RedisEngine engine;
    private final EngineSettings settings;
    private final String prefix;
    private final String deadlinesKey;
    private final Script join = new Script(JOIN);
    private final Script heartbeat = new Script(HEARTBEAT);
    private final Script update = new Script(UPDATE);
    private final Script reconnecting = new Script(RECONNECTING);
    private final Script leave = new Script(LEAVE);
    private final Script leaveUser = new Script(LEAVE_USER);
    private final Script clearRoom = new Script(CLEAR_ROOM);
    private final Script expire = new Script(EXPIRE);
    private final Script snapshot = new Script(SNAPSHOT);

    /** Uses the engine's connections, clock, key prefix and channel; loads the scripts. */
    public RedisPresenceStore(RedisEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.settings = engine.settings();
        this.prefix = engine.redisSettings().keyPrefix();
        this.deadlinesKey = prefix + "p:deadlines";
        engine.loadScripts(List.of(join, heartbeat, update, reconnecting, leave, leaveUser, clearRoom, expire, snapshot));
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
        Object reply = engine.run(heartbeat, keys(room), args(room, now, userId, sessionId, Long.toString(deadline)));
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
        RedisEngine.requireOneLine(room, "room");
        RedisEngine.requireOneLine(userId, "userId");
        return all(room, reason, leaveUser, userId, reason.wireName());
    }

    @Override
    public List<PresenceChange> clearRoom(String room, LeaveReason reason) {
        RedisEngine.requireOneLine(room, "room");
        return all(room, reason, clearRoom, reason.wireName());
    }

    @Override
    public List<PresenceChange> expire(long now, int max) {
        if (max <= 0) {
            return List.of();
        }
        List<PresenceChange> ended = new ArrayList<>();
        for (String member : engine.pool().zrangeByScore(deadlinesKey, "-inf", "(" + now, 0, max)) {
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
        RedisEngine.requireOneLine(room, "room");
        List<?> reply = (List<?>) engine.run(snapshot, keys(room), List.of(RedisEngine.newEpoch(), room,
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
        RedisEngine.requireOneLine(room, "room");
        return Math.toIntExact(engine.pool().hlen(roomKey(room, "users")));
    }

    /** Deletes the room's {@code last} hash; the sessions and users hashes are already gone when nobody is present. */
    @Override
    public void release(String room) {
        RedisEngine.requireOneLine(room, "room");
        engine.pool().del(roomKey(room, "last"));
    }

    @Override
    public List<String> roomsOf(String userId) {
        return engine.pool().smembers(prefix + "p:user:" + userId).stream().sorted().toList();
    }

    @Override
    public long sessionCount() {
        return engine.pool().zcard(deadlinesKey);
    }

    // ---- running the scripts

    private Optional<PresenceChange> one(String room, LeaveReason reason, Script script, String... operation) {
        return all(room, reason, script, operation).stream().findFirst();
    }

    private List<PresenceChange> all(String room, LeaveReason reason, Script script, String... operation) {
        long now = settings.clock().millis();
        return changes(room, now, engine.run(script, keys(room), args(room, now, operation)), reason);
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
        engine.countPublished(changes.stream().mapToInt(c -> c.events().size()).sum());
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
        List<String> keys = new ArrayList<>(7);
        keys.addAll(engine.keys(room));
        keys.add(roomKey(room, "sessions"));
        keys.add(roomKey(room, "users"));
        keys.add(roomKey(room, "last"));
        keys.add(deadlinesKey);
        return keys;
    }

    /** One of the room's presence keys: {@code sessions}, {@code users} or {@code last}. */
    private String roomKey(String room, String name) {
        return prefix + "{" + room + "}:p:" + name;
    }

    private List<String> args(String room, long now, String... operation) {
        List<String> args = new ArrayList<>(7 + operation.length);
        args.add(RedisEngine.newEpoch());
        args.add(room);
        args.add(Long.toString(now));
        args.add(Integer.toString(settings.historySize()));
        args.add(Long.toString(settings.streamIdleTtl().toMillis()));
        args.add(engine.redisSettings().channel());
        args.add(prefix);
        args.addAll(Arrays.asList(operation));
        return args;
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
