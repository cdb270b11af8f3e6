-- Ends every session of a user in the room. ARGV 8-9: user, reason.
-- @include presence-library.lua
local prefix = ARGV[8] .. '\n'
local all = redis.call('HGETALL', K_SESSIONS)
local sessions = {}
for i = 1, #all, 2 do
  if string.sub(all[i], 1, #prefix) == prefix then
    sessions[#sessions + 1] = decode(all[i], all[i + 1])
  end
end
return end_all(sessions, ARGV[9])
