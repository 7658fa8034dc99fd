-- A company you can leave running (issue 10): token budgets, routines, explain.

-- What each LLM call was for, so "what used my tokens" can answer by step kind and trigger rule.
ALTER TABLE ops_llm_calls ADD COLUMN step_kind text;
ALTER TABLE ops_llm_calls ADD COLUMN rule_id bigint;
CREATE INDEX ops_llm_calls_rule_day ON ops_llm_calls (rule_id, created_at) WHERE rule_id IS NOT NULL;

-- A one-off allowance a person grants on top of a budget, for one period.
CREATE TABLE ops_budget_allowances (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scope       text NOT NULL CHECK (scope IN ('agent', 'company', 'rule')),
  scope_id    text NOT NULL DEFAULT '',
  period      text NOT NULL CHECK (period IN ('day', 'month')),
  period_key  text NOT NULL,
  tokens      integer NOT NULL DEFAULT 0 CHECK (tokens >= 0),
  seconds     double precision NOT NULL DEFAULT 0 CHECK (seconds >= 0),
  reason      text,
  granted_at  timestamptz NOT NULL
);
CREATE INDEX ops_budget_allowances_scope ON ops_budget_allowances (scope, scope_id, period_key);

-- A warning (80 %) or a stop (100 %) is announced once per budget and period.
CREATE TABLE ops_budget_alerts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scope       text NOT NULL,
  scope_id    text NOT NULL DEFAULT '',
  period_key  text NOT NULL,
  level       text NOT NULL CHECK (level IN ('warning', 'exhausted')),
  spent       double precision NOT NULL,
  budget      double precision NOT NULL,
  unit        text NOT NULL CHECK (unit IN ('tokens', 'seconds')),
  created_at  timestamptz NOT NULL,
  UNIQUE (scope, scope_id, period_key, level, unit)
);

-- Time-of-day jobs per agent, in the user's time zone.
CREATE TABLE ops_routines (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  kind         text NOT NULL CHECK (kind IN ('briefing', 'consolidation', 'research', 'social_scan')),
  agent_id     text NOT NULL REFERENCES ops_agents (id),
  time_of_day  text NOT NULL CHECK (time_of_day ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  days         integer[] NOT NULL DEFAULT '{0,1,2,3,4,5,6}',
  prompt       text NOT NULL DEFAULT '' CHECK (length(prompt) <= 2000),
  enabled      boolean NOT NULL DEFAULT true,
  -- the last due time that was handled (ran, caught up or skipped); slots after it are still to come
  handled_until timestamptz NOT NULL,
  last_run_at  timestamptz,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);

-- Every run and every skip, with its reason.
CREATE TABLE ops_routine_runs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  routine_id   bigint NOT NULL REFERENCES ops_routines (id) ON DELETE CASCADE,
  due_at       timestamptz,
  outcome      text NOT NULL CHECK (outcome IN ('ran', 'caught_up', 'skipped', 'rejected', 'manual')),
  reason       text,
  proposal_id  bigint,
  created_at   timestamptz NOT NULL
);
CREATE INDEX ops_routine_runs_routine ON ops_routine_runs (routine_id, id DESC);

-- explain.why and the budget's rule lookup go from a proposal to what made it.
CREATE INDEX ops_trigger_decisions_proposal ON ops_trigger_decisions (proposal_id) WHERE proposal_id IS NOT NULL;
CREATE INDEX ops_agent_reactions_proposal ON ops_agent_reactions (proposal_id) WHERE proposal_id IS NOT NULL;
CREATE INDEX ops_reaction_rolls_reaction ON ops_reaction_rolls (reaction_id) WHERE reaction_id IS NOT NULL;
