-- Reads a space and the stream's position together. KEYS: the room's stream keys (seq, epoch, history), the
-- space's entries and meta. ARGV: epoch to create if the room has none (as the stream's read script does), its
-- TTL (ms). Returns {epoch, seq, entries hash flattened, bytes}.
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
  epoch = ARGV[1]
end
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
return {epoch, seq, redis.call('HGETALL', KEYS[4]), tonumber(redis.call('HGET', KEYS[5], 'bytes') or '0')}
