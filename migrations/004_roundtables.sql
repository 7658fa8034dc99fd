-- Agents meet and remember: the conversation queue and its transcripts, the daily schedule's
-- decisions, pairwise relationships (seeded with the 15 pairs of the six agents), the
-- initiative queue and one-on-one chat with the user. Times are written by the engine from
-- its Clock (never now()).

CREATE TABLE ops_roundtable_queue (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  format          text NOT NULL CHECK (format ~ '^[a-z][a-z0-9_]{0,39}$'),
  topic           text NOT NULL CHECK (length(topic) BETWEEN 1 AND 300),
  participants    text[] NOT NULL CHECK (cardinality(participants) BETWEEN 2 AND 12),
  turns_planned   integer NOT NULL CHECK (turns_planned BETWEEN 1 AND 40),
  source          text NOT NULL CHECK (source IN ('schedule', 'user', 'system')),
  slot_name       text,
  -- the memory that steered the topic, when one did (memory influence)
  memory_id       bigint,
  status          text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts    integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  run_after       timestamptz NOT NULL,
  reserved_by     text,
  heartbeat_at    timestamptz,
  -- voice modifiers derived once per conversation: { agentId: [modifier, ...] }
  voice_modifiers jsonb,
  distill_status  text NOT NULL DEFAULT 'pending' CHECK (distill_status IN ('pending', 'done', 'failed', 'skipped')),
  distill         jsonb,
  last_error      text,
  created_at      timestamptz NOT NULL,
  started_at      timestamptz,
  finished_at     timestamptz,
  CHECK (status <> 'running' OR reserved_by IS NOT NULL)
);
CREATE INDEX ops_roundtable_queue_claim ON ops_roundtable_queue (run_after, id) WHERE status = 'queued';
CREATE INDEX ops_roundtable_queue_lease ON ops_roundtable_queue (heartbeat_at) WHERE status = 'running';
CREATE INDEX ops_roundtable_queue_day ON ops_roundtable_queue (created_at);

CREATE TABLE ops_roundtable_turns (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id bigint NOT NULL REFERENCES ops_roundtable_queue (id) ON DELETE CASCADE,
  seq             integer NOT NULL CHECK (seq >= 0),
  speaker         text NOT NULL,
  text            text NOT NULL CHECK (length(text) BETWEEN 1 AND 120),
  interaction     text NOT NULL
                  CHECK (interaction IN ('opening', 'supportive', 'agreement', 'neutral', 'critical', 'challenge')),
  replying_to     text,
  created_at      timestamptz NOT NULL,
  UNIQUE (conversation_id, seq)
);

-- One decision per schedule slot per local day: queued, or why not.
CREATE TABLE ops_roundtable_slots (
  local_day       text NOT NULL CHECK (local_day ~ '^\d{4}-\d{2}-\d{2}$'),
  slot_hour       integer NOT NULL CHECK (slot_hour BETWEEN 0 AND 23),
  slot_name       text NOT NULL,
  format          text NOT NULL,
  decision        text NOT NULL CHECK (decision IN
                    ('queued', 'skipped_probability', 'skipped_cap', 'skipped_disabled', 'skipped_no_participants', 'missed')),
  probability     double precision NOT NULL,
  roll            double precision,
  detail          text NOT NULL DEFAULT '',
  conversation_id bigint REFERENCES ops_roundtable_queue (id) ON DELETE SET NULL,
  decided_at      timestamptz NOT NULL,
  PRIMARY KEY (local_day, slot_hour)
);

CREATE TABLE ops_agent_relationships (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_a               text COLLATE "C" NOT NULL,
  agent_b               text COLLATE "C" NOT NULL,
  affinity              numeric(3, 2) NOT NULL DEFAULT 0.50 CHECK (affinity BETWEEN 0.10 AND 0.95),
  backstory             text NOT NULL DEFAULT '',
  total_interactions    integer NOT NULL DEFAULT 0 CHECK (total_interactions >= 0),
  positive_interactions integer NOT NULL DEFAULT 0 CHECK (positive_interactions >= 0),
  negative_interactions integer NOT NULL DEFAULT 0 CHECK (negative_interactions >= 0),
  -- the last 20 drifts: [{ at, drift, reason, conversationId, affinity }]
  drift_log             jsonb NOT NULL DEFAULT '[]'
                        CHECK (jsonb_typeof(drift_log) = 'array' AND jsonb_array_length(drift_log) <= 20),
  updated_at            timestamptz,
  UNIQUE (agent_a, agent_b),
  CHECK (agent_a < agent_b)
);

INSERT INTO ops_agent_relationships (agent_a, agent_b, affinity, backstory) VALUES
  ('brain', 'opus', 0.80, 'Most trusted advisor: Opus checks the numbers with Brain before every call.'),
  ('opus', 'twitter-alt', 0.30, 'Boss vs. rebel: X-Alt''s bold moves keep colliding with Opus''s deadlines.'),
  ('brain', 'twitter-alt', 0.30, 'Methodology vs. impulse: Brain wants evidence, X-Alt wants to post now.'),
  ('brain', 'observer', 0.80, 'Research partners: they check each other''s work and rarely disagree.'),
  ('creator', 'twitter-alt', 0.70, 'Content pipeline: Creator writes it, X-Alt ships it to the feed.'),
  ('growth', 'opus', 0.65, 'Opus likes Growth''s urgency but keeps reining in the hype.'),
  ('creator', 'opus', 0.55, 'Opus wants it by Friday; Creator wants the story to be right.'),
  ('observer', 'opus', 0.70, 'Observer is Opus''s early-warning system.'),
  ('brain', 'growth', 0.45, 'Growth wants to ship; Brain wants a control group first.'),
  ('brain', 'creator', 0.50, 'Numbers meet narrative: respectful, but often talking past each other.'),
  ('creator', 'growth', 0.60, 'Growth needs hooks and Creator supplies them, with opinions attached.'),
  ('growth', 'observer', 0.40, 'Observer keeps flagging the risks Growth skipped.'),
  ('growth', 'twitter-alt', 0.75, 'Partners in hustle: the two fastest movers on the team.'),
  ('creator', 'observer', 0.55, 'Observer is Creator''s most honest first reader.'),
  ('observer', 'twitter-alt', 0.35, 'Observer keeps a log of every X-Alt stunt that went sideways.');

CREATE TABLE ops_initiative_queue (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id     text NOT NULL REFERENCES ops_agents (id) ON DELETE CASCADE,
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  run_after    timestamptz NOT NULL,
  reserved_by  text,
  heartbeat_at timestamptz,
  -- why it was queued (memory statistics at the time)
  reason       jsonb NOT NULL DEFAULT '{}',
  result       jsonb,
  last_error   text,
  created_at   timestamptz NOT NULL,
  started_at   timestamptz,
  finished_at  timestamptz,
  CHECK (status <> 'running' OR reserved_by IS NOT NULL)
);
CREATE INDEX ops_initiative_queue_claim ON ops_initiative_queue (run_after, id) WHERE status = 'queued';
CREATE INDEX ops_initiative_queue_agent ON ops_initiative_queue (agent_id, created_at DESC);

CREATE TABLE ops_chat_messages (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id   text NOT NULL REFERENCES ops_agents (id) ON DELETE CASCADE,
  role       text NOT NULL CHECK (role IN ('user', 'agent')),
  text       text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
  created_at timestamptz NOT NULL
);
CREATE INDEX ops_chat_messages_agent ON ops_chat_messages (agent_id, id DESC);
