-- Events by time: the reactive checkers look for the newest event of a kind or with a tag within
-- a lookback window (content_published: "an event tagged X in the last hour"). They find the
-- window's first event here and read back from the newest to it; before, the tag index handed
-- over every event ever given the tag (1.8 ms a look on a month-old company, more as it grew).
CREATE INDEX ops_agent_events_created ON ops_agent_events (created_at, id);
