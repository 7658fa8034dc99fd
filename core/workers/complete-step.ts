import { lockKey, STEP_QUEUED_CHANNEL, type Queryable } from '../db/db.js';
import { MEMORY_CAP_PER_AGENT } from '../memory/store.js';
import type { EngineCtx } from '../ops/ctx.js';
import { EVENT_COLUMNS, type EventRow } from '../ops/events.js';
import { MISSION_COLUMNS, STEP_COLUMNS, type MissionRow, type StepRow } from '../ops/missions.js';

/**
 * A step's success in one statement, one round trip: mark the step succeeded
 * (only while this worker holds it), reset its kind's failure count, write its
 * step_succeeded event, queue the mission's next step — or, when it was the
 * last, finalize the mission as succeeded, remember the plan as the agent's
 * strategy (memory/mission-outcomes.ts writes the same memory on the slow
 * path) and write the mission_succeeded event — and NOTIFY the next step's
 * workers. The statement is atomic on its own; the caller runs the event hooks
 * on the returned events (inside a transaction when a hook may write).
 */
export interface CompletedStep {
  step: StepRow;
  stepEvent: EventRow;
  nextKind: string | null;
  mission: MissionRow | null;
  missionEvent: EventRow | null;
  memoryId: number | null;
  /** The agent's live memories were at the cap before this one: trim. */
  memoryOverCap: boolean;
}

function names(columns: string): string[] {
  return columns.split(', ').map((c) => {
    const m = /AS "([A-Za-z]+)"$/.exec(c);
    return m ? m[1]! : c;
  });
}
const stepNames = names(STEP_COLUMNS);
const eventNames = names(EVENT_COLUMNS);
const missionNames = names(MISSION_COLUMNS);
const pick = (alias: string, prefix: string, cols: string[]): string => cols.map((c) => `${alias}."${c}" AS "${prefix}${c}"`).join(', ');

const clip = (expr: string, max: number): string => `CASE WHEN length(${expr}) <= ${max} THEN ${expr} ELSE left(${expr}, ${max - 1}) || '…' END`;

// $1 step id, $2 worker, $3 now, $4 result, $5 kind, $6 agent, $7 title, $8 summary, $9 tags, $10 mission id, $11 notify (postgres)
const SQL = `
WITH done AS (
  UPDATE ops_mission_steps SET status = 'succeeded', finished_at = $3, heartbeat_at = $3, result = $4::jsonb, last_error = NULL, error_code = NULL
  WHERE id = $1 AND status = 'running' AND reserved_by = $2
  RETURNING ${STEP_COLUMNS}),
ws AS (
  UPDATE ops_worker_state SET consecutive_failures = 0
  WHERE kind = $5 AND consecutive_failures > 0 AND EXISTS (SELECT 1 FROM done)),
agent AS (
  SELECT coalesce($6::text, (SELECT created_by FROM ops_missions WHERE id = $10)) AS id),
sev AS (
  INSERT INTO ops_agent_events (agent_id, kind, title, summary, tags, payload, mission_id, step_id, proposal_id, created_at)
  SELECT agent.id, 'step_succeeded', $7, $8, $9::text[], '{}'::jsonb, d."missionId", d.id, NULL, $3 FROM done d, agent
  RETURNING ${EVENT_COLUMNS}),
nxt AS (
  UPDATE ops_mission_steps SET status = 'queued', run_after = $3
  WHERE id = (SELECT id FROM ops_mission_steps WHERE mission_id = $10 AND status = 'pending' ORDER BY seq LIMIT 1)
    AND EXISTS (SELECT 1 FROM done)
  RETURNING kind),
fin AS (
  UPDATE ops_missions SET status = 'succeeded', failure_reason = NULL, finished_at = $3
  WHERE id = $10 AND status IN ('approved', 'running')
    AND EXISTS (SELECT 1 FROM done) AND NOT EXISTS (SELECT 1 FROM nxt)
    AND NOT EXISTS (SELECT 1 FROM ops_mission_steps WHERE mission_id = $10 AND id <> $1 AND status <> 'succeeded')
  RETURNING ${MISSION_COLUMNS}),
plan AS (
  SELECT array_agg(kind ORDER BY seq) AS kinds FROM ops_mission_steps WHERE mission_id = $10 AND EXISTS (SELECT 1 FROM fin)),
mem AS (
  INSERT INTO ops_agent_memory (agent_id, type, content, confidence, tags, source_trace_id, provenance, created_at)
  SELECT f."createdBy", 'strategy', left('"' || f.title || '" worked as a plan of ' || array_to_string(p.kinds, ' → ') || '.', 2000), 0.6,
         (ARRAY['mission', 'succeeded'] || p.kinds)[1:12], 'mission:' || f.id || ':outcome', 'mission', $3
  FROM fin f, plan p
  ON CONFLICT (source_trace_id) DO NOTHING
  RETURNING id, agent_id),
mev AS (
  INSERT INTO ops_agent_events (agent_id, kind, title, summary, tags, payload, mission_id, step_id, proposal_id, created_at)
  SELECT f."createdBy", 'mission_succeeded', ${clip(`'Mission succeeded: ' || f.title`, 300)}, '', ARRAY['mission', 'succeeded', 'mission_succeeded'],
         '{}'::jsonb, f.id, NULL, f."proposalId", $3
  FROM fin f, (SELECT id FROM sev) s
  RETURNING ${EVENT_COLUMNS})
SELECT ${pick('d', 's_', stepNames)}, ${pick('e', 'e_', eventNames)},
       (SELECT kind FROM nxt) AS "nextKind",
       ${pick('f', 'm_', missionNames)}, ${pick('me', 'x_', eventNames)},
       (SELECT id FROM mem) AS "memoryId",
       (SELECT EXISTS (SELECT 1 FROM ops_agent_memory am, mem WHERE am.agent_id = mem.agent_id AND am.superseded_at IS NULL
          ORDER BY am.id DESC OFFSET ${MEMORY_CAP_PER_AGENT - 1} LIMIT 1)) AS "memoryOverCap",
       CASE WHEN $11::boolean THEN (SELECT pg_notify('${STEP_QUEUED_CHANNEL}', kind) FROM nxt) END AS notified
FROM done d
JOIN sev e ON true
LEFT JOIN fin f ON true
LEFT JOIN mev me ON true`;

function unprefix<T>(row: Record<string, unknown>, prefix: string, cols: string[]): T {
  return Object.fromEntries(cols.map((c) => [c, row[prefix + c]])) as T;
}

export interface SuccessInput {
  step: StepRow & { agentId?: string };
  workerId: string;
  now: string;
  result: unknown;
  summary: string;
  tags: string[];
}

/** Runs the statement; null when this worker no longer holds the step (nothing was written). */
export async function completeInOneStatement(ctx: EngineCtx, q: Queryable, s: SuccessInput): Promise<CompletedStep | null> {
  const res = await q.query<Record<string, unknown>>(SQL, [
    s.step.id,
    s.workerId,
    s.now,
    JSON.stringify(s.result ?? null),
    s.step.kind,
    s.step.agentId ?? null,
    `${s.step.kind} succeeded`,
    s.summary.length <= 4000 ? s.summary : s.summary.slice(0, 3999) + '…',
    s.tags,
    s.step.missionId,
    ctx.db.kind === 'postgres',
  ]);
  const row = res.rows[0];
  if (!row) return null;
  return {
    step: unprefix<StepRow>(row, 's_', stepNames),
    stepEvent: unprefix<EventRow>(row, 'e_', eventNames),
    nextKind: (row.nextKind as string | null) ?? null,
    mission: row.m_id == null ? null : unprefix<MissionRow>(row, 'm_', missionNames),
    missionEvent: row.x_id == null ? null : unprefix<EventRow>(row, 'x_', eventNames),
    memoryId: (row.memoryId as number | null) ?? null,
    memoryOverCap: row.memoryOverCap === true,
  };
}

/**
 * The agent's memories past the cap are superseded (one writer at a time, like writeMemory's
 * trim: the same advisory lock; a trim already under way elsewhere is left to finish the work).
 * One statement, which is its own transaction, so the lock lasts exactly as long as the
 * update: one round trip instead of five (BEGIN, check, lock, update, COMMIT) for every
 * mission that ends while its agent is at the cap.
 */
export async function trimAfter(ctx: EngineCtx, agentId: string, memoryId: number, now: string): Promise<void> {
  await ctx.db.query(
    `WITH lock AS MATERIALIZED (SELECT pg_try_advisory_xact_lock($5) AS ok)
     UPDATE ops_agent_memory SET superseded_at = $3, superseded_by = $2
     WHERE (SELECT ok FROM lock) AND id IN (
       SELECT id FROM ops_agent_memory WHERE agent_id = $1 AND superseded_at IS NULL
       ORDER BY id DESC OFFSET $4)`,
    [agentId, memoryId, now, MEMORY_CAP_PER_AGENT, lockKey(`memory-cap:${agentId}`)],
  );
}
