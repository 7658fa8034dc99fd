-- An agent's live memories, newest first: how the memory cap (200 per agent) finds the ones
-- past it on every mission that ends, and how prompts read the newest. Only live rows are in
-- it, so the cap check reads 200 small entries instead of visiting every row it skips.
CREATE INDEX ops_agent_memory_live ON ops_agent_memory (agent_id, id DESC) WHERE superseded_at IS NULL;
