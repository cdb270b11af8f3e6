-- Finding the attendance rows still open (sessions whose end is not recorded), oldest first, for the sweep that
-- closes the rows of sessions the engine lost (Redis restarted empty, a dead in-process node).
CREATE INDEX ix_attendance_open ON attendance (left_at, joined_at);
