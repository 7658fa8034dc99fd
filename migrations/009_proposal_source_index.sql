-- "Has this agent already proposed something for this event / post / action item?" is asked
-- by every reactive checker and for every queued reaction (agent_id, source_ref). Without an
-- index Postgres answers it by reading every proposal ever made (a hashed sequential scan per
-- batch of reactions: ~7 ms for 20 reactions with a few thousand proposals, growing forever).
CREATE INDEX ops_mission_proposals_source ON ops_mission_proposals (source_ref, agent_id) WHERE source_ref IS NOT NULL;
