-- Replaces a live session's metadata. ARGV 8-10: user, session, meta.
-- @include presence-library.lua
local s = find(ARGV[8] .. '\n' .. ARGV[9])
if not s or s.meta == ARGV[10] then
  return {}
end
s.meta = ARGV[10]
save(s)
return {publish_change('META_UPDATED', s, redis.call('ZSCORE', K_DEADLINES, member(s.field)) or '0')}
