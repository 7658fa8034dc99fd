-- LLM calls in flight hold an estimate of what they will spend, so concurrent calls
-- (in this process or in other worker processes on PostgreSQL) cannot all pass a budget
-- check that admits one. A call reserves before it is sent and drops its reservation once
-- its real use is recorded in ops_llm_calls; a reservation left by a crashed process
-- stops counting at expires_at.
CREATE TABLE ops_budget_reservations (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id    text,
  rule_id     bigint,
  tokens      integer NOT NULL CHECK (tokens >= 0),
  seconds     double precision NOT NULL CHECK (seconds >= 0),
  purpose     text NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX ops_budget_reservations_expires ON ops_budget_reservations (expires_at);
