-- Publishes one event. KEYS: seq, epoch, history. ARGV: epoch to create if the room has none, room, time,
-- type, data, history size, idle TTL (ms), channel. Returns the event's seq and the stream's epoch.
-- @include stream-library.lua
local seq = publish_event(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5],
  ARGV[6], ARGV[7], ARGV[8])
return {seq, redis.call('GET', KEYS[2])}
