-- Marks a session reconnecting until its grace deadline. ARGV 8-10: user, session, grace deadline.
-- @include presence-library.lua
local s = find(ARGV[8] .. '\n' .. ARGV[9])
if not s or s.state ~= 'online' then
  return {}
end
s.state = 'reconnecting'
save(s)
redis.call('ZADD', K_DEADLINES, ARGV[10], member(s.field))
return {publish_change('RECONNECTING', s, ARGV[10])}
