-- Applies one write to a key. KEYS: as the library, then 7 the idempotency record of the write's idempotency key
-- (never touched when there is none). ARGV 9-19: op (set, incr, del), key, quoted key, value (set) or delta
-- (incr) or '' (del), condition (always, absent, present, version), expected version, ttl ms (0 for none),
-- idempotency window ms ('' when the write has no idempotency key), quoted author ('' for none), max keys,
-- max bytes, silent ('1': publish no event of the write's own; the key's version is then the room's last seq),
-- the value the key must hold for the condition 'unchanged' (which also requires the expected version).
--
-- Returns {outcome, seq, version, expiresAt, value or false (the key after an applied set, else as it is now),
-- then 3 items per published event: seq, type, data}. An expired key reads as absent; when a write applies to
-- it, its expiry is announced first, in the same step.
-- @include keyed-library.lua
local OP, KEY, QKEY, ARG, COND = ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13]
local EXPECTED, TTL, WINDOW, BY = tonumber(ARGV[14]), tonumber(ARGV[15]), ARGV[16], ARGV[17]
local MAX_KEYS, MAX_BYTES = tonumber(ARGV[18]), tonumber(ARGV[19])
local SILENT = ARGV[20] == '1'
local MAX_COUNTER = 9007199254740991

local record = redis.call('HGET', K_ENTRIES, KEY)
local stored = nil
if record then
  stored = decode(record)
end
local live = stored
if stored and stored.expires > 0 and stored.expires <= NOW then
  live = nil
end

local function reply(outcome, seq, entry, rows)
  local out = {outcome, seq, 0, 0, false}
  if entry then
    out[3], out[4], out[5] = entry.version, entry.expires, entry.value
  end
  for _, row in ipairs(rows or {}) do
    out[#out + 1] = row[1]
    out[#out + 1] = row[2]
    out[#out + 1] = row[3]
  end
  return out
end

-- a silent write's version: the seq of the room's last event (0 before any); it keeps the stream's keys alive
-- as an event would
local function last_seq()
  local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
  if seq > 0 then
    redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]))
    redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]))
    redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[5]))
  end
  return seq
end

-- the record is "seq\nuntil": the window is judged on the engine's clock (NOW), and Redis drops the record a
-- little after it
local function remember(seq)
  if WINDOW ~= '' then
    redis.call('SET', KEYS[7], digits(seq) .. '\n' .. digits(NOW + tonumber(WINDOW)), 'PX', tonumber(WINDOW) + 60000)
  end
end

if WINDOW ~= '' then
  local done = redis.call('GET', KEYS[7])
  if done then
    local split = string.find(done, '\n', 1, true)
    if tonumber(string.sub(done, split + 1)) > NOW then
      return reply('DUPLICATE', tonumber(string.sub(done, 1, split - 1)), live)
    end
  end
end

local holds = COND == 'always' or (COND == 'absent' and live == nil) or (COND == 'present' and live ~= nil)
  or (COND == 'version' and live ~= nil and live.version == EXPECTED)
  or (COND == 'unchanged' and live ~= nil and live.version == EXPECTED and live.value == ARGV[21])
if not holds then
  return reply('CONFLICT', 0, live)
end

local rows = {}
local by = ''
if BY ~= '' then
  by = ',"by":' .. BY
end

if OP == 'del' then
  if stored and not live then
    rows[1] = announce_expiry(KEY, QKEY, stored)
  end
  if not live then
    remember(0)
    return reply('ABSENT', 0, nil, rows)
  end
  remove(KEY, live)
  if SILENT then
    local version = last_seq()
    remember(version)
    return reply('APPLIED', version, nil, rows)
  end
  local data
  local seq = emit(SPACE .. '.delete', function(seq)
    data = '{"key":' .. QKEY .. ',"version":' .. digits(seq) .. ',"reason":"deleted"' .. by .. '}'
    return data
  end)
  rows[#rows + 1] = {seq, SPACE .. '.delete', data}
  remember(seq)
  return reply('APPLIED', seq, nil, rows)
end

local value
local expires = 0
if OP == 'set' then
  value = ARG
  if TTL > 0 then
    expires = NOW + TTL
  end
else
  local base = '0'
  if live then
    base = live.value
  end
  if not string.match(base, '^-?%d+$') then
    return reply('NOT_A_NUMBER', 0, live)
  end
  local unsigned = string.gsub(base, '-', '')
  if #unsigned > 16 then
    return reply('OUT_OF_RANGE', 0, live)
  end
  local current = tonumber(base)
  local n = current + tonumber(ARG)
  if math.abs(current) > MAX_COUNTER or math.abs(n) > MAX_COUNTER then
    return reply('OUT_OF_RANGE', 0, live)
  end
  value = digits(n)
  if TTL > 0 then
    expires = NOW + TTL
  elseif live then
    expires = live.expires
  end
end

local keys = redis.call('HLEN', K_ENTRIES)
local bytes = tonumber(redis.call('HGET', K_META, 'bytes') or '0')
local after = bytes + #KEY + #value
if stored then
  after = after - (#KEY + #stored.value)
end
if not stored and keys + 1 > MAX_KEYS then
  return reply('TOO_MANY_KEYS', 0, live)
end
if after > MAX_BYTES and after > bytes then
  return reply('TOO_MANY_BYTES', 0, live)
end

if stored and not live then
  rows[1] = announce_expiry(KEY, QKEY, stored)
end
local data
local seq
if SILENT then
  seq = last_seq()
else
  seq = emit(SPACE .. '.set', function(seq)
    data = '{"key":' .. QKEY .. ',"value":' .. value .. ',"version":' .. digits(seq)
    if expires > 0 then
      data = data .. ',"expiresAt":' .. digits(expires)
    end
    data = data .. by .. '}'
    return data
  end)
end
redis.call('HSET', K_ENTRIES, KEY, digits(seq) .. '\n' .. digits(expires) .. '\n' .. value)
local grown = #KEY + #value
if live then
  grown = grown - (#KEY + #live.value)
end
redis.call('HINCRBY', K_META, 'bytes', grown)
if expires > 0 then
  redis.call('ZADD', K_DEADLINES, expires, member(KEY))
elseif live and live.expires > 0 then
  redis.call('ZREM', K_DEADLINES, member(KEY))
end
if not SILENT then
  rows[#rows + 1] = {seq, SPACE .. '.set', data}
end
remember(seq)
return reply('APPLIED', seq, {version = seq, expires = expires, value = value}, rows)
