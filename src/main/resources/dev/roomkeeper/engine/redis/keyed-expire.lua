-- Announces the expiry of one key if it is still expired at the sweep's now (ARGV 3): one written again since
-- (with a later expiry, or none), deleted, or expired by another node is skipped, and a deadline left without
-- its key is dropped. KEYS: as the library. ARGV 9-10: key, quoted key. Returns the event row, or {}.
-- @include keyed-library.lua
local record = redis.call('HGET', K_ENTRIES, ARGV[9])
if not record then
  redis.call('ZREM', K_DEADLINES, member(ARGV[9]))
  return {}
end
local stored = decode(record)
if stored.expires == 0 then
  redis.call('ZREM', K_DEADLINES, member(ARGV[9]))
  return {}
end
if stored.expires > NOW then
  return {}
end
return announce_expiry(ARGV[9], ARGV[10], stored)
