-- Reads a room consistently. KEYS: seq, epoch, history. ARGV: epoch to create if the room has none ('' to
-- create nothing), its TTL (ms), the seq after which history entries are wanted ('' for none). Returns
-- {epoch or nil, seq, entries}; entries are the newest (seq - since) of the history, which holds consecutive
-- seqs ending at the room's seq.
local epoch = redis.call('GET', KEYS[2])
if not epoch and ARGV[1] ~= '' then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
  epoch = ARGV[1]
end
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local history = {}
if ARGV[3] ~= '' then
  local wanted = seq - tonumber(ARGV[3])
  if wanted > 0 then
    history = redis.call('LRANGE', KEYS[3], -wanted, -1)
  end
end
return {epoch or false, seq, history}
