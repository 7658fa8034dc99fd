-- The closed loop: agents, policy, proposals, missions, steps, events, runs, artifacts.
-- Times are always written by the engine from its Clock (never now()), so tests and the
-- simulator are deterministic.

CREATE TABLE ops_agents (
  id               text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{0,31}$'),
  display_name     text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 60),
  role             text NOT NULL,
  tone             text NOT NULL DEFAULT '',
  quirk            text NOT NULL DEFAULT '',
  signature_line   text NOT NULL DEFAULT '',
  system_directive text NOT NULL DEFAULT '',
  enabled          boolean NOT NULL DEFAULT true,
  sort_order       integer NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);

CREATE TABLE ops_policy (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL
);

CREATE TABLE ops_mission_proposals (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id         text NOT NULL REFERENCES ops_agents (id),
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description      text NOT NULL DEFAULT '',
  source           text NOT NULL DEFAULT 'user'
                   CHECK (source IN ('user', 'api', 'trigger', 'reaction', 'initiative', 'roundtable', 'system')),
  source_ref       text,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  proposed_steps   jsonb NOT NULL DEFAULT '[]',
  rejection_reason text,
  rejected_by_gate text,
  decided_by       text,
  decided_at       timestamptz,
  created_at       timestamptz NOT NULL,
  CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)
);
CREATE INDEX ops_mission_proposals_agent_day ON ops_mission_proposals (agent_id, created_at);
CREATE INDEX ops_mission_proposals_status ON ops_mission_proposals (status, id DESC);

CREATE TABLE ops_missions (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  proposal_id    bigint REFERENCES ops_mission_proposals (id),
  title          text NOT NULL,
  status         text NOT NULL DEFAULT 'approved'
                 CHECK (status IN ('approved', 'running', 'succeeded', 'failed', 'cancelled')),
  created_by     text NOT NULL REFERENCES ops_agents (id),
  failure_reason text,
  created_at     timestamptz NOT NULL,
  started_at     timestamptz,
  finished_at    timestamptz
);
CREATE INDEX ops_missions_status ON ops_missions (status, id DESC);
CREATE INDEX ops_missions_agent ON ops_missions (created_by, id DESC);

CREATE TABLE ops_mission_steps (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mission_id   bigint NOT NULL REFERENCES ops_missions (id) ON DELETE CASCADE,
  seq          integer NOT NULL CHECK (seq >= 0),
  kind         text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,39}$'),
  payload      jsonb NOT NULL DEFAULT '{}',
  status       text NOT NULL DEFAULT 'queued'
               CHECK (status IN ('pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled')),
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  run_after    timestamptz NOT NULL,
  reserved_by  text,
  heartbeat_at timestamptz,
  started_at   timestamptz,
  finished_at  timestamptz,
  result       jsonb,
  last_error   text,
  error_code   text,
  created_at   timestamptz NOT NULL,
  UNIQUE (mission_id, seq),
  CHECK (status <> 'running' OR reserved_by IS NOT NULL)
);
-- the claim query: oldest due queued step of a kind
CREATE INDEX ops_mission_steps_claim ON ops_mission_steps (kind, run_after, id) WHERE status = 'queued';
-- stale recovery: running steps by lease age
CREATE INDEX ops_mission_steps_lease ON ops_mission_steps (heartbeat_at) WHERE status = 'running';
-- cap gates: steps of a kind created today
CREATE INDEX ops_mission_steps_kind_day ON ops_mission_steps (kind, created_at);

CREATE TABLE ops_agent_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id    text,
  kind        text NOT NULL,
  title       text NOT NULL,
  summary     text NOT NULL DEFAULT '',
  tags        text[] NOT NULL DEFAULT '{}',
  payload     jsonb NOT NULL DEFAULT '{}',
  mission_id  bigint,
  step_id     bigint,
  proposal_id bigint,
  created_at  timestamptz NOT NULL,
  search      tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || summary)) STORED
);
-- keyset pagination runs on (filter, id DESC); the primary key serves the unfiltered feed
CREATE INDEX ops_agent_events_agent ON ops_agent_events (agent_id, id DESC);
CREATE INDEX ops_agent_events_kind ON ops_agent_events (kind, id DESC);
CREATE INDEX ops_agent_events_mission ON ops_agent_events (mission_id, id) WHERE mission_id IS NOT NULL;
CREATE INDEX ops_agent_events_tags ON ops_agent_events USING gin (tags);
CREATE INDEX ops_agent_events_search ON ops_agent_events USING gin (search);

CREATE TABLE ops_action_runs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  action      text NOT NULL DEFAULT 'heartbeat',
  status      text NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
  holder      text NOT NULL,
  jobs        jsonb NOT NULL DEFAULT '[]',
  started_at  timestamptz NOT NULL,
  finished_at timestamptz,
  duration_ms double precision
);
CREATE INDEX ops_action_runs_action ON ops_action_runs (action, id DESC);

CREATE TABLE ops_artifacts (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('document', 'analysis', 'crawl', 'draft', 'post', 'note')),
  title      text NOT NULL DEFAULT '',
  content    text NOT NULL DEFAULT '',
  meta       jsonb NOT NULL DEFAULT '{}',
  agent_id   text,
  mission_id bigint REFERENCES ops_missions (id) ON DELETE SET NULL,
  step_id    bigint,
  parent_id  bigint REFERENCES ops_artifacts (id),
  version    integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL
);
CREATE INDEX ops_artifacts_kind ON ops_artifacts (kind, id DESC);
CREATE INDEX ops_artifacts_mission ON ops_artifacts (mission_id) WHERE mission_id IS NOT NULL;

-- the circuit breaker's memory, shared by every worker process
CREATE TABLE ops_worker_state (
  kind                 text PRIMARY KEY,
  consecutive_failures integer NOT NULL DEFAULT 0,
  last_error           text,
  updated_at           timestamptz NOT NULL
);
