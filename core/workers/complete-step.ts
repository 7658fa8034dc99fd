import { lockKey, STEP_QUEUED_CHANNEL, type Queryable } from '../db/db.js';
import { MEMORY_CAP_PER_AGENT } from '../memory/store.js';
import type { EngineCtx } from '../ops/ctx.js';
import { EVENT_COLUMNS, type EventRow } from '../ops/events.js';
import { MISSION_COLUMNS, STEP_COLUMNS, type MissionRow, type StepRow } from '../ops/missions.js';
import { columnNames, prefixed, qualify, unprefix } from '../ops/columns.js';

/**
 * The successes of a batch of steps in one statement, one round trip: mark
 * each step succeeded (only while this worker holds it), reset its kind's
 * failure count, write its step_succeeded event, queue its mission's next
 * step — or, when it was the last, finalize the mission as succeeded, remember
 * the plan as the agent's strategy (memory/mission-outcomes.ts writes the same
 * memory on the slow path), keep the agent at its memory cap and write the
 * mission_succeeded event — and NOTIFY the next steps' workers. The statement
 * is atomic on its own; the caller runs the event hooks on the returned events
 * (inside a transaction when a hook may write).
 */
export interface CompletedStep {
  step: StepRow;
  stepEvent: EventRow;
  nextKind: string | null;
  mission: MissionRow | null;
  missionEvent: EventRow | null;
  memoryId: number | null;
}

const stepNames = columnNames(STEP_COLUMNS);
const eventNames = columnNames(EVENT_COLUMNS);
const missionNames = columnNames(MISSION_COLUMNS);

const clip = (expr: string, max: number): string => `CASE WHEN length(${expr}) <= ${max} THEN ${expr} ELSE left(${expr}, ${max - 1}) || '…' END`;

// $1 the steps (a JSON array of rows, see `inputColumns`), $2 worker, $3 now, $4 notify (postgres)
const inputColumns = '_i int, _id bigint, _result jsonb, _agent text, _lock int, _title text, _summary text, _tags text[]';
const SQL = `
WITH input AS MATERIALIZED (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${inputColumns})),
done AS (
  UPDATE ops_mission_steps s SET status = 'succeeded', finished_at = $3, heartbeat_at = $3, result = x._result, last_error = NULL, error_code = NULL
  FROM input x
  WHERE s.id = x._id AND s.status = 'running' AND s.reserved_by = $2
  RETURNING ${qualify(STEP_COLUMNS, 's')}, x._i, x._agent, x._lock, x._title, x._summary, x._tags),
ws AS (
  UPDATE ops_worker_state SET consecutive_failures = 0
  WHERE kind IN (SELECT kind FROM done) AND consecutive_failures > 0),
sev AS (
  INSERT INTO ops_agent_events (agent_id, kind, title, summary, tags, payload, mission_id, step_id, proposal_id, created_at)
  SELECT d._agent, 'step_succeeded', d._title, d._summary, d._tags, '{}'::jsonb, d."missionId", d.id, NULL, $3
  FROM done d ORDER BY d._i
  RETURNING ${EVENT_COLUMNS}),
nxt AS (
  UPDATE ops_mission_steps s SET status = 'queued', run_after = $3
  FROM (SELECT DISTINCT ON (p.mission_id) p.id FROM ops_mission_steps p JOIN done d ON p.mission_id = d."missionId"
        WHERE p.status = 'pending' ORDER BY p.mission_id, p.seq) n
  WHERE s.id = n.id
  RETURNING s.mission_id, s.kind),
fin AS (
  UPDATE ops_missions m SET status = 'succeeded', failure_reason = NULL, finished_at = $3
  FROM done d
  WHERE m.id = d."missionId" AND m.status IN ('approved', 'running')
    AND NOT EXISTS (SELECT 1 FROM ops_mission_steps o WHERE o.mission_id = m.id AND o.id <> d.id AND o.status <> 'succeeded')
  RETURNING ${qualify(MISSION_COLUMNS, 'm')}, d._i, d._lock),
plan AS (
  SELECT s.mission_id, array_agg(s.kind ORDER BY s.seq) AS kinds FROM ops_mission_steps s JOIN fin f ON f.id = s.mission_id GROUP BY s.mission_id),
mem AS (
  INSERT INTO ops_agent_memory (agent_id, type, content, confidence, tags, source_trace_id, provenance, created_at)
  SELECT f."createdBy", 'strategy', left('"' || f.title || '" worked as a plan of ' || array_to_string(p.kinds, ' → ') || '.', 2000), 0.6,
         (ARRAY['mission', 'succeeded'] || p.kinds)[1:12], 'mission:' || f.id || ':outcome', 'mission', $3
  FROM fin f JOIN plan p ON p.mission_id = f.id ORDER BY f._i
  ON CONFLICT (source_trace_id) DO NOTHING
  RETURNING id, agent_id, source_trace_id),
mev AS (
  INSERT INTO ops_agent_events (agent_id, kind, title, summary, tags, payload, mission_id, step_id, proposal_id, created_at)
  SELECT f."createdBy", 'mission_succeeded', ${clip(`'Mission succeeded: ' || f.title`, 300)}, '', ARRAY['mission', 'succeeded', 'mission_succeeded'],
         '{}'::jsonb, f.id, NULL, f."proposalId", $3
  FROM fin f WHERE (SELECT count(*) FROM sev) > 0 ORDER BY f._i
  RETURNING ${EVENT_COLUMNS}),
-- One writer at a time trims an agent's memories (writeMemory's lock); one that cannot
-- take the lock leaves the trim to the writer holding it. The statement sees the memories
-- as they were before it, so an agent that gained k keeps its newest cap − k old ones.
trim AS (
  UPDATE ops_agent_memory am SET superseded_at = $3, superseded_by = t.newest
  FROM (SELECT o.id, g.newest
        FROM (SELECT mem.agent_id, count(*)::int AS added, max(mem.id) AS newest, min(f._lock) AS lock
              FROM mem JOIN fin f ON mem.source_trace_id = 'mission:' || f.id || ':outcome' GROUP BY mem.agent_id) g
        CROSS JOIN LATERAL (SELECT a.id FROM ops_agent_memory a WHERE a.agent_id = g.agent_id AND a.superseded_at IS NULL
                            ORDER BY a.id DESC OFFSET greatest(0, ${MEMORY_CAP_PER_AGENT} - g.added)) o
        WHERE pg_try_advisory_xact_lock(g.lock)) t
  WHERE am.id = t.id),
notified AS (
  SELECT pg_notify('${STEP_QUEUED_CHANNEL}', kind) FROM (SELECT DISTINCT kind FROM nxt) k WHERE $4::boolean)
SELECT ${prefixed('d', 's_', stepNames)}, ${prefixed('e', 'e_', eventNames)},
       n.kind AS "nextKind",
       ${prefixed('f', 'm_', missionNames)}, ${prefixed('me', 'x_', eventNames)},
       mem.id AS "memoryId",
       (SELECT count(*) FROM notified) AS notified
FROM done d
JOIN sev e ON e."stepId" = d.id
LEFT JOIN nxt n ON n.mission_id = d."missionId"
LEFT JOIN fin f ON f.id = d."missionId"
LEFT JOIN mev me ON me."missionId" = d."missionId"
LEFT JOIN mem ON mem.source_trace_id = 'mission:' || d."missionId" || ':outcome'
ORDER BY d._i`;

export interface SuccessInput {
  step: StepRow & { agentId?: string };
  result: unknown;
  summary: string;
  tags: string[];
}

/**
 * Runs the statement for `steps` (all held by `workerId`); returns, in the
 * same order, each one's outcome, or null for a step this worker no longer
 * holds (nothing was written for it).
 */
export async function completeInOneStatement(ctx: EngineCtx, q: Queryable, workerId: string, now: string, steps: readonly SuccessInput[]): Promise<(CompletedStep | null)[]> {
  const agents = await agentsOf(q, steps);
  const input = steps.map((s, i) => {
    const agent = agents[i]!;
    return {
      _i: i,
      _id: s.step.id,
      _result: s.result ?? null,
      _agent: agent,
      _lock: lockKey(`memory-cap:${agent}`),
      _title: `${s.step.kind} succeeded`,
      _summary: s.summary.length <= 4000 ? s.summary : s.summary.slice(0, 3999) + '…',
      _tags: s.tags,
    };
  });
  const res = await q.query<Record<string, unknown>>(SQL, [JSON.stringify(input), workerId, now, ctx.db.kind === 'postgres']);
  const out: (CompletedStep | null)[] = steps.map(() => null);
  for (const row of res.rows) {
    const i = steps.findIndex((s) => s.step.id === Number(row.s_id));
    out[i] = {
      step: unprefix<StepRow>(row, 's_', stepNames),
      stepEvent: unprefix<EventRow>(row, 'e_', eventNames),
      nextKind: (row.nextKind as string | null) ?? null,
      mission: row.m_id == null ? null : unprefix<MissionRow>(row, 'm_', missionNames),
      missionEvent: row.x_id == null ? null : unprefix<EventRow>(row, 'x_', eventNames),
      memoryId: (row.memoryId as number | null) ?? null,
    };
  }
  return out;
}

/** Each step's agent: the one its claim named, else its mission's creator (one query for all that lack one). */
async function agentsOf(q: Queryable, steps: readonly SuccessInput[]): Promise<(string | null)[]> {
  const missing = [...new Set(steps.filter((s) => s.step.agentId === undefined).map((s) => s.step.missionId))];
  if (!missing.length) return steps.map((s) => s.step.agentId!);
  const res = await q.query<{ id: number; createdBy: string | null }>('SELECT id, created_by AS "createdBy" FROM ops_missions WHERE id = ANY($1::bigint[])', [missing]);
  const byMission = new Map(res.rows.map((r) => [Number(r.id), r.createdBy]));
  return steps.map((s) => s.step.agentId ?? byMission.get(s.step.missionId) ?? null);
}
