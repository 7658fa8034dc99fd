-- Every LLM call, for accounting (tokens per agent per day) and debugging.
CREATE TABLE ops_llm_calls (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id          text,
  purpose           text NOT NULL,
  step_id           bigint,
  conversation_id   bigint,
  model             text NOT NULL,
  host              text NOT NULL,
  prompt_tokens     integer NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
  completion_tokens integer NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
  duration_ms       double precision NOT NULL DEFAULT 0,
  outcome           text NOT NULL,
  error             text,
  created_at        timestamptz NOT NULL
);
CREATE INDEX ops_llm_calls_agent_day ON ops_llm_calls (agent_id, created_at);
CREATE INDEX ops_llm_calls_created ON ops_llm_calls (created_at);

-- What agents learned: structured knowledge, not chat history.
CREATE TABLE ops_agent_memory (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id        text NOT NULL REFERENCES ops_agents (id) ON DELETE CASCADE,
  type            text NOT NULL CHECK (type IN ('insight', 'pattern', 'strategy', 'preference', 'lesson')),
  content         text NOT NULL CHECK (length(content) BETWEEN 1 AND 2000),
  confidence      numeric(3, 2) NOT NULL DEFAULT 0.60 CHECK (confidence >= 0 AND confidence <= 1),
  tags            text[] NOT NULL DEFAULT '{}',
  -- idempotent dedup: the same source never writes the same memory twice
  source_trace_id text UNIQUE,
  provenance      text NOT NULL DEFAULT 'system'
                  CHECK (provenance IN ('conversation', 'outcome', 'mission', 'user', 'initiative', 'system')),
  superseded_by   bigint REFERENCES ops_agent_memory (id) ON DELETE SET NULL,
  superseded_at   timestamptz,
  created_at      timestamptz NOT NULL
);
CREATE INDEX ops_agent_memory_agent ON ops_agent_memory (agent_id, type, confidence DESC) WHERE superseded_at IS NULL;
CREATE INDEX ops_agent_memory_recent ON ops_agent_memory (agent_id, id DESC);
