-- Pausing the company, or one agent. One row says whether the whole company is paused (the
-- heartbeat, triggers, workers and conversation/initiative loops take no new work while it
-- is); one row per paused agent (its proposals are refused by the agent_paused gate and its
-- queued steps, conversations and initiatives wait). Times are written by the engine.

CREATE TABLE ops_runtime_pause (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  paused     boolean NOT NULL DEFAULT false,
  reason     text CHECK (length(reason) <= 300),
  paused_by  text,
  since      timestamptz,
  updated_at timestamptz NOT NULL,
  CHECK (paused OR since IS NULL)
);

CREATE TABLE ops_agent_pause (
  agent_id text PRIMARY KEY REFERENCES ops_agents (id) ON DELETE CASCADE,
  reason   text CHECK (length(reason) <= 300),
  since    timestamptz NOT NULL
);
