-- Starts or refreshes a session. ARGV 8-13: user, session, quoted user, quoted session, meta, deadline.
-- @include presence-library.lua
local field = ARGV[8] .. '\n' .. ARGV[9]
redis.call('ZADD', K_DEADLINES, ARGV[13], member(field))
local s = find(field)
if s then
  local kind
  if s.state == 'reconnecting' then
    kind = 'RESUMED'
  elseif s.meta ~= ARGV[12] then
    kind = 'META_UPDATED'
  else
    return {}
  end
  s.state = 'online'
  s.meta = ARGV[12]
  save(s)
  return {publish_change(kind, s, ARGV[13])}
end
s = {field = field, state = 'online', joined = NOW, user = ARGV[10], sid = ARGV[11], meta = ARGV[12]}
save(s)
if redis.call('HINCRBY', K_USERS, ARGV[8], 1) > 1 then
  return {publish_change('SESSION_ADDED', s, ARGV[13])}
end
redis.call('HDEL', K_LAST, ARGV[8])
redis.call('SADD', user_key(field), ROOM)
local row = publish_change('USER_JOINED', s, ARGV[13])
if redis.call('HLEN', K_USERS) == 1 then
  with_occupancy(row, OCCUPIED, '{"at":' .. NOW .. '}')
end
return {row}
