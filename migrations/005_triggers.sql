-- Agents act on their own: trigger rules and their decisions, the reaction queue and its rolls.

CREATE TABLE ops_trigger_rules (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name              text NOT NULL UNIQUE,
  kind              text NOT NULL CHECK (kind IN ('reactive', 'proactive')),
  trigger_event     text NOT NULL,
  conditions        jsonb NOT NULL DEFAULT '{}',
  action_config     jsonb NOT NULL DEFAULT '{}',
  cooldown_minutes  integer NOT NULL CHECK (cooldown_minutes >= 0),
  enabled           boolean NOT NULL DEFAULT true,
  fire_count        integer NOT NULL DEFAULT 0 CHECK (fire_count >= 0),
  last_fired_at     timestamptz,
  last_evaluated_at timestamptz,
  last_result       text,
  next_eligible_at  timestamptz,
  topic_index       integer NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);
CREATE INDEX ops_trigger_rules_due ON ops_trigger_rules (next_eligible_at NULLS FIRST, id) WHERE enabled;

-- Why a rule did or did not act: fired, skipped (and why), rejected by a gate, error.
CREATE TABLE ops_trigger_decisions (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id          bigint NOT NULL REFERENCES ops_trigger_rules (id) ON DELETE CASCADE,
  decision         text NOT NULL CHECK (decision IN ('fired', 'skipped', 'no_match', 'rejected', 'error')),
  reason           text,
  topic            text,
  memory_influenced boolean NOT NULL DEFAULT false,
  memory_id        bigint,
  proposal_id      bigint,
  manual           boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL
);
CREATE INDEX ops_trigger_decisions_rule ON ops_trigger_decisions (rule_id, id DESC);

-- Agents reacting to each other: queued by the reaction matrix, turned into proposals by the heartbeat.
CREATE TABLE ops_agent_reactions (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pattern_key     text NOT NULL,
  source_event_id bigint NOT NULL,
  source_agent    text,
  target_agent    text NOT NULL,
  reaction_type   text NOT NULL,
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'proposed', 'rejected', 'duplicate', 'failed')),
  proposal_id     bigint,
  result          text,
  created_at      timestamptz NOT NULL,
  processed_at    timestamptz
);
CREATE INDEX ops_agent_reactions_queue ON ops_agent_reactions (id) WHERE status = 'queued';
CREATE INDEX ops_agent_reactions_cooldown ON ops_agent_reactions (pattern_key, target_agent, created_at DESC);

-- Every probability roll of the matrix, so a person can see why an agent did or did not react.
CREATE TABLE ops_reaction_rolls (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id    bigint NOT NULL,
  pattern_key text NOT NULL,
  target      text NOT NULL,
  roll        double precision,
  probability double precision NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('queued', 'lost_roll', 'cooldown')),
  reaction_id bigint,
  created_at  timestamptz NOT NULL
);
CREATE INDEX ops_reaction_rolls_recent ON ops_reaction_rolls (id DESC);
CREATE INDEX ops_reaction_rolls_event ON ops_reaction_rolls (event_id);
