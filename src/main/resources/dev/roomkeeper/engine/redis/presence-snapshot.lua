-- Reads a room's presence and stream position together. KEYS as the mutating scripts. ARGV: epoch to create if
-- the room has none (as the stream's read script does), room, idle TTL (ms). Returns {epoch, seq, sessions hash
-- flattened, their deadlines, last hash flattened}.
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
  epoch = ARGV[1]
end
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local sessions = redis.call('HGETALL', KEYS[4])
local deadlines = {}
for i = 1, #sessions, 2 do
  deadlines[#deadlines + 1] = redis.call('ZSCORE', KEYS[7], ARGV[2] .. '\n' .. sessions[i]) or '0'
end
return {epoch, seq, sessions, deadlines, redis.call('HGETALL', KEYS[6])}
