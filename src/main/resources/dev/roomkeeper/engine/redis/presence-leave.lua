-- Ends a session. ARGV 8-10: user, session, reason.
-- @include presence-library.lua
local s = find(ARGV[8] .. '\n' .. ARGV[9])
if not s then
  return {}
end
return {end_session(s, ARGV[10])}
