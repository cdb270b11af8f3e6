-- What every mutating presence script shares. KEYS: the room's seq, epoch and history (the stream's), then
-- sessions, users, last, and the global deadlines set. ARGV 1-7: epoch to create, room, now, history size,
-- idle TTL (ms), channel, key prefix; the operation's own arguments follow.
--
-- A session record is five fields joined by newlines: state, joinedAt, user id and session id as quoted JSON
-- strings (quoted once, in Java, by PresenceEventData.quote, so event data is concatenated, never escaped in
-- Lua), and the metadata last. Its deadline lives only in the deadlines set. Each mutating script returns a
-- list of rows, one per presence event: kind, seq, data, field, state, joinedAt, meta, deadline, and, when the
-- room's occupancy changed with it, the seq and data of the room.occupied or room.vacated published right
-- after it. The room is occupied while its users hash is not empty: a join that makes HLEN 1 occupies it, a
-- leave that makes it 0 vacates it.
--
-- KINDS is presence's ChangeKind enum: each kind's event type and update change (RedisScriptsTest checks that
-- the two agree).
-- @include stream-library.lua
local KINDS = {
  USER_JOINED = {'presence.join', false},
  SESSION_ADDED = {'presence.update', 'session-added'},
  META_UPDATED = {'presence.update', 'meta'},
  RECONNECTING = {'presence.update', 'reconnecting'},
  RESUMED = {'presence.update', 'resumed'},
  SESSION_REMOVED = {'presence.update', 'session-removed'},
  USER_LEFT = {'presence.leave', false}
}
local OCCUPIED, VACATED = 'room.occupied', 'room.vacated'

local K_SESSIONS, K_USERS, K_LAST, K_DEADLINES = KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local ROOM, NOW, IDLE_TTL, PREFIX = ARGV[2], ARGV[3], ARGV[5], ARGV[7]

local function emit(event_type, data)
  return publish_event(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ROOM, NOW, event_type, data, ARGV[4],
    IDLE_TTL, ARGV[6])
end

local function decode(field, record)
  local a = string.find(record, '\n', 1, true)
  local b = string.find(record, '\n', a + 1, true)
  local c = string.find(record, '\n', b + 1, true)
  local d = string.find(record, '\n', c + 1, true)
  return {field = field, state = string.sub(record, 1, a - 1), joined = string.sub(record, a + 1, b - 1),
    user = string.sub(record, b + 1, c - 1), sid = string.sub(record, c + 1, d - 1),
    meta = string.sub(record, d + 1)}
end

local function save(s)
  redis.call('HSET', K_SESSIONS, s.field,
    s.state .. '\n' .. s.joined .. '\n' .. s.user .. '\n' .. s.sid .. '\n' .. s.meta)
end

local function find(field)
  local record = redis.call('HGET', K_SESSIONS, field)
  if record then
    return decode(field, record)
  end
  return nil
end

local function member(field)
  return ROOM .. '\n' .. field
end

local function user_key(field)
  return PREFIX .. 'p:user:' .. string.sub(field, 1, string.find(field, '\n', 1, true) - 1)
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
  local user = string.sub(s.field, 1, string.find(s.field, '\n', 1, true) - 1)
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
