-- Clears a space of a room but for the keys under the kept prefixes, announcing it with one event. KEYS: as the
-- library. ARGV 9: the event's data (built by KeyedEvents.cleared), 10...: the kept prefixes. Every other key
-- goes, with its deadline; expired keys not announced yet go too, without an event of their own. When nothing is
-- to go, nothing changes and nothing is published.
-- Returns {removed} or {removed, seq, type, data}.
-- @include keyed-library.lua
local DATA = ARGV[9]
local function kept(key)
  for i = 10, #ARGV do
    if string.sub(key, 1, #ARGV[i]) == ARGV[i] then
      return true
    end
  end
  return false
end

local all = redis.call('HGETALL', K_ENTRIES)
local removed, freed = 0, 0
for i = 1, #all, 2 do
  local key = all[i]
  if not kept(key) then
    local entry = decode(all[i + 1])
    redis.call('HDEL', K_ENTRIES, key)
    if entry.expires > 0 then
      redis.call('ZREM', K_DEADLINES, member(key))
    end
    removed = removed + 1
    freed = freed + #key + #entry.value
  end
end
if removed == 0 then
  return {0}
end
if redis.call('HLEN', K_ENTRIES) == 0 then
  redis.call('DEL', K_META)
else
  redis.call('HINCRBY', K_META, 'bytes', -freed)
end
local event_type = SPACE .. '.cleared'
local seq = emit(event_type, DATA)
return {removed, seq, event_type, DATA}
