-- Ends a session whose deadline passed. ARGV 8-10: field ("user\nsession"), the sweep's now, reason. Ends the
-- session only if its deadline is still before now: one that heartbeated since it was read, or that another
-- node ended, is skipped. A deadline left without its session is dropped.
-- @include presence-library.lua
local m = member(ARGV[8])
local deadline = redis.call('ZSCORE', K_DEADLINES, m)
if not deadline or tonumber(deadline) >= tonumber(ARGV[9]) then
  return {}
end
local s = find(ARGV[8])
if not s then
  redis.call('ZREM', K_DEADLINES, m)
  return {}
end
return {end_session(s, ARGV[10])}
