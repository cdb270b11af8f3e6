-- Publishes one event. KEYS: seq, epoch, history, and optionally an idempotency key. ARGV: epoch to create if
-- the room has none, room, time, type, data, history size, idle TTL (ms), channel, and with the idempotency key
-- how long to keep it (ms).
-- Returns {seq, epoch, time, duplicate}: with an idempotency key already recorded nothing is published and the
-- first event's seq, epoch and time come back with duplicate 1; else the new event's, duplicate 0. The key is
-- checked and recorded in this one script, so a retry is safe whichever node it reaches.
-- @include stream-library.lua
if KEYS[4] then
  local first = redis.call('GET', KEYS[4])
  if first then
    local seq, epoch, time = string.match(first, '^(%d+)\n([^\n]*)\n(%d+)$')
    return {tonumber(seq), epoch, time, 1}
  end
end
local seq = publish_event(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5],
  ARGV[6], ARGV[7], ARGV[8])
local epoch = redis.call('GET', KEYS[2])
if KEYS[4] then
  redis.call('SET', KEYS[4], string.format('%d', seq) .. '\n' .. epoch .. '\n' .. ARGV[3], 'PX', ARGV[9])
end
return {seq, epoch, ARGV[3], 0}
