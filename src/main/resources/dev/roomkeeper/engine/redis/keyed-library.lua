-- What every keyed-state script shares. KEYS: 1-3 the room's stream keys (seq, epoch, history), 4 the space's
-- entries (hash: key to "version\nexpiresAt\nvalue"), 5 the space's meta (hash: bytes), 6 the deadlines of every
-- room's keys (sorted set of "room\nspace\nkey" by expiresAt). ARGV 1-7: epoch to create, room, now, history
-- size, idle TTL (ms), channel, key prefix (as every publishing script); 8: the space.
--
-- A key's version is the seq of the event that last set it, so event data names its own seq: it is built in
-- the function publish_event calls with the seq. The data is byte for byte what KeyedEvents builds in Java.
-- A key's size is #key + #value (bytes); the space's keys are HLEN of its entries and its bytes are kept in
-- meta, which goes when the last key goes.
-- @include stream-library.lua
local K_ENTRIES, K_META, K_DEADLINES = KEYS[4], KEYS[5], KEYS[6]
local ROOM, NOW, SPACE = ARGV[2], tonumber(ARGV[3]), ARGV[8]

local function emit(event_type, data)
  return publish_event(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ROOM, ARGV[3], event_type, data, ARGV[4], ARGV[5],
    ARGV[6])
end

local function decode(record)
  local a = string.find(record, '\n', 1, true)
  local b = string.find(record, '\n', a + 1, true)
  return {version = tonumber(string.sub(record, 1, a - 1)), expires = tonumber(string.sub(record, a + 1, b - 1)),
    value = string.sub(record, b + 1)}
end

local function member(key)
  return ROOM .. '\n' .. SPACE .. '\n' .. key
end

local function digits(n)
  return string.format('%d', n)
end

-- removes a stored key and its deadline; the space's meta goes with its last key
local function remove(key, entry)
  redis.call('HDEL', K_ENTRIES, key)
  if entry.expires > 0 then
    redis.call('ZREM', K_DEADLINES, member(key))
  end
  if redis.call('HLEN', K_ENTRIES) == 0 then
    redis.call('DEL', K_META)
  else
    redis.call('HINCRBY', K_META, 'bytes', -(#key + #entry.value))
  end
end

-- removes an expired key and announces it; returns its event row {seq, type, data}
local function announce_expiry(key, quoted_key, entry)
  remove(key, entry)
  local data
  local seq = emit(SPACE .. '.delete', function(seq)
    data = '{"key":' .. quoted_key .. ',"version":' .. digits(seq) .. ',"reason":"expired"}'
    return data
  end)
  return {seq, SPACE .. '.delete', data}
end
