-- "Never acts twice": an executor records an external effect (a post, a payment,
-- a call to someone else's system) here before and after it acts. A re-run of the
-- step after a crash finds the result and returns it instead of acting again; an
-- intent without a result is an effect that may already have happened.
CREATE TABLE ops_step_effects (
  step_id     bigint NOT NULL REFERENCES ops_mission_steps (id) ON DELETE CASCADE,
  key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  status      text NOT NULL CHECK (status IN ('intent', 'done')),
  -- the worker and attempt that recorded the intent, for the "check" message
  worker      text NOT NULL,
  attempt     integer NOT NULL CHECK (attempt >= 1),
  result      jsonb,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz,
  PRIMARY KEY (step_id, key),
  CHECK ((status = 'done') = (finished_at IS NOT NULL))
);
