-- Ends every session in the room. ARGV 8: reason.
-- @include presence-library.lua
local all = redis.call('HGETALL', K_SESSIONS)
local sessions = {}
for i = 1, #all, 2 do
  sessions[#sessions + 1] = decode(all[i], all[i + 1])
end
return end_all(sessions, ARGV[8])
