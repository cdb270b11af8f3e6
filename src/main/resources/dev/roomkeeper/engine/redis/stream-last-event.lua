-- The time of a room's latest event, read from the tail of its history (the wire format's fourth field), so
-- that only a number crosses the network and publishing writes nothing extra. KEYS: the history. Returns the
-- time as text, or false when the room has no history.
local event = redis.call('LINDEX', KEYS[1], -1)
if not event then
  return false
end
local a = string.find(event, '\n', 1, true)
local b = string.find(event, '\n', a + 1, true)
local c = string.find(event, '\n', b + 1, true)
local d = string.find(event, '\n', c + 1, true)
return string.sub(event, c + 1, d - 1)
