-- Publishing: the user's settings (including secrets such as app passwords) and every post
-- the agents published, with the engagement numbers the outcome learner reads later.
-- Times are written by the engine from its Clock.

CREATE TABLE ops_settings (
  key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE ops_posts (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  platform          text NOT NULL CHECK (platform IN ('bluesky', 'x')),
  -- the draft the text came from, when the step named one
  draft_artifact_id bigint REFERENCES ops_artifacts (id) ON DELETE SET NULL,
  -- the 'post' artifact recording this post
  artifact_id       bigint REFERENCES ops_artifacts (id) ON DELETE SET NULL,
  agent_id          text,
  mission_id        bigint REFERENCES ops_missions (id) ON DELETE SET NULL,
  step_id           bigint,
  text              text NOT NULL,
  -- the platform's address of the post (at:// URI on Bluesky) and its id there
  uri               text NOT NULL,
  remote_id         text NOT NULL,
  url               text,
  posted_at         timestamptz NOT NULL,
  likes             integer NOT NULL DEFAULT 0,
  reposts           integer NOT NULL DEFAULT 0,
  replies           integer NOT NULL DEFAULT 0,
  metrics_at        timestamptz
);
-- the daily quota: posts of a platform since the start of the user's day
CREATE INDEX ops_posts_platform_day ON ops_posts (platform, posted_at);
-- a step publishes at most once, even when it is retried after the post went out
CREATE UNIQUE INDEX ops_posts_step ON ops_posts (step_id) WHERE step_id IS NOT NULL;
