-- Step leases are short now: a worker renews its step's lease every quarter of
-- heartbeat_policy.stale_step_minutes, and a lease watch hands a step whose worker died to
-- another within about 1.25 of it. A company still on the old default (30 minutes) moves to
-- the new one (30 seconds); a value someone chose is kept.
UPDATE ops_policy
SET value = jsonb_set(value, '{stale_step_minutes}', '0.5'::jsonb)
WHERE key = 'heartbeat_policy' AND value->'stale_step_minutes' = '30'::jsonb;
