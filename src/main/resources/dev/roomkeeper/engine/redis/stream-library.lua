-- The steps that publish one room event, included by every script that publishes (the stream's own
-- publish script, presence's and keyed state's), so that seq, history, expiry and PUBLISH rules exist once.
-- Arguments: the room's seq, epoch and history keys, the epoch to create if the room has none, room, time,
-- event type, data, history size, idle TTL (ms), channel. Returns the event's seq.
--
-- data is the event's JSON text, or a function that makes it from the event's seq (for data that names its
-- own seq, such as a key's version).
--
-- A counter that starts again (INCR gives 1) drops any history left from before. The epoch's expiry is set
-- before the counter's so it never outlives it: a room whose counter expired always comes back with a new
-- epoch. The event is six fields joined by newlines (room, epoch, seq, time, type, data): WireEvent's format.
local function publish_event(seq_key, epoch_key, hist_key, new_epoch, room, time, event_type, data,
                             history_size, idle_ttl, channel)
  local seq = redis.call('INCR', seq_key)
  if seq == 1 then
    redis.call('DEL', hist_key)
  end
  if type(data) == 'function' then
    data = data(seq)
  end
  redis.call('SET', epoch_key, new_epoch, 'NX')
  local epoch = redis.call('GET', epoch_key)
  local event = room .. '\n' .. epoch .. '\n' .. string.format('%d', seq) .. '\n' .. time
    .. '\n' .. event_type .. '\n' .. data
  redis.call('RPUSH', hist_key, event)
  redis.call('LTRIM', hist_key, -tonumber(history_size), -1)
  redis.call('PEXPIRE', epoch_key, idle_ttl)
  redis.call('PEXPIRE', hist_key, idle_ttl)
  redis.call('PEXPIRE', seq_key, idle_ttl)
  redis.call('PUBLISH', channel, event)
  return seq
end
