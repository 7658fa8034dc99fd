import { AppError } from '../api/errors.js';
import { afterCommit, STEP_QUEUED_CHANNEL, type Queryable, type Tx } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import type { EngineCtx } from './ctx.js';
import { EVENT_COLUMNS, writeEvent, type EventRow } from './events.js';
import { getPolicy } from './policy.js';
import { columnNames, prefixed, unprefix } from './columns.js';
import { rememberMissionOutcome } from '../memory/mission-outcomes.js';
import type { ProposalRow } from './proposal-service.js';

export type MissionStatus = 'approved' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type StepStatus = 'pending' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface MissionRow {
  id: number;
  proposalId: number | null;
  title: string;
  status: MissionStatus;
  createdBy: string;
  failureReason: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface StepRow {
  id: number;
  missionId: number;
  seq: number;
  kind: string;
  payload: Record<string, unknown>;
  status: StepStatus;
  attempts: number;
  maxAttempts: number;
  runAfter: string;
  reservedBy: string | null;
  heartbeatAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  result: unknown;
  lastError: string | null;
  errorCode: string | null;
  createdAt: string;
}

export const MISSION_COLUMNS =
  'id, proposal_id AS "proposalId", title, status, created_by AS "createdBy", failure_reason AS "failureReason", created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"';

export const STEP_COLUMNS =
  'id, mission_id AS "missionId", seq, kind, payload, status, attempts, max_attempts AS "maxAttempts", run_after AS "runAfter", reserved_by AS "reservedBy", heartbeat_at AS "heartbeatAt", started_at AS "startedAt", finished_at AS "finishedAt", result, last_error AS "lastError", error_code AS "errorCode", created_at AS "createdAt"';

/**
 * Tells workers a step of `kind` is queued, once the transaction commits: in
 * this process through the bus, in other processes through NOTIFY (PostgreSQL
 * delivers it at commit), so no worker waits for its next poll.
 */
export async function announceQueued(ctx: EngineCtx, tx: Tx, kind: string): Promise<void> {
  if (ctx.db.kind === 'postgres') await tx.query('SELECT pg_notify($1, $2)', [STEP_QUEUED_CHANNEL, kind]);
  afterCommit(tx, () => ctx.bus.wake(kind));
}

const missionNames = columnNames(MISSION_COLUMNS);
const eventNames = columnNames(EVENT_COLUMNS);

/** Turns an accepted proposal into a mission: the first step queued, the rest pending behind it. */
export async function createMission(ctx: EngineCtx, tx: Tx, proposal: ProposalRow): Promise<MissionRow> {
  const now = isoNow(ctx.clock);
  const retry = await getPolicy(tx, 'step_retry_policy');
  const steps = proposal.proposedSteps;
  const kinds = steps.map((s) => s.kind);
  const tags = [...new Set(['mission', 'created', ...kinds].map((t) => t.toLowerCase()))].slice(0, 20);
  const title = `Mission: ${proposal.title}`;
  // One statement: the mission, its steps (the first queued) and its mission_created event.
  const res = await tx.query<Record<string, unknown>>(
    `WITH m AS (
       INSERT INTO ops_missions (proposal_id, title, status, created_by, created_at) VALUES ($1, $2, 'approved', $3, $4)
       RETURNING ${MISSION_COLUMNS}),
     s AS (
       INSERT INTO ops_mission_steps (mission_id, seq, kind, payload, status, max_attempts, run_after, created_at)
       SELECT m.id, t.seq - 1, t.step->>'kind', coalesce(t.step->'payload', '{}'::jsonb), CASE WHEN t.seq = 1 THEN 'queued' ELSE 'pending' END, $6, $4, $4
       FROM m, jsonb_array_elements($5::jsonb) WITH ORDINALITY AS t(step, seq)),
     e AS (
       INSERT INTO ops_agent_events (agent_id, kind, title, summary, tags, payload, mission_id, step_id, proposal_id, created_at)
       SELECT $3, 'mission_created', $7, $8, $9::text[], $10::jsonb, m.id, NULL, $1, $4 FROM m
       RETURNING ${EVENT_COLUMNS})
     SELECT ${prefixed('m', 'm_', missionNames)}, ${prefixed('e', 'e_', eventNames)} FROM m, e`,
    [
      proposal.id,
      proposal.title,
      proposal.agentId,
      now,
      JSON.stringify(steps),
      retry.max_attempts,
      title.length <= 300 ? title : title.slice(0, 299) + '…',
      `${steps.length} step${steps.length === 1 ? '' : 's'}: ${kinds.join(' → ')}`.slice(0, 4000),
      tags,
      JSON.stringify({ source: proposal.source }),
    ],
  );
  const row = res.rows[0]!;
  const mission = unprefix<MissionRow>(row, 'm_', missionNames);
  const event = unprefix<EventRow>(row, 'e_', eventNames);
  for (const hook of ctx.eventHooks) await hook(ctx, tx, event);
  afterCommit(tx, () => ctx.bus.publish({ type: 'event', event }));
  const first = steps[0]?.kind;
  if (first) await announceQueued(ctx, tx, first);
  afterCommit(tx, () => ctx.bus.publish({ type: 'mission', mission }));
  return mission;
}

/** Queues the next pending step of a mission, or finalizes it when every step succeeded. */
export async function advanceMission(ctx: EngineCtx, tx: Tx, missionId: number): Promise<void> {
  const next = await tx.query<{ kind: string }>(
    `UPDATE ops_mission_steps SET status = 'queued', run_after = $2
     WHERE id = (SELECT id FROM ops_mission_steps WHERE mission_id = $1 AND status = 'pending' ORDER BY seq LIMIT 1)
     RETURNING kind`,
    [missionId, isoNow(ctx.clock)],
  );
  const kind = next.rows[0]?.kind;
  if (kind) {
    await announceQueued(ctx, tx, kind);
    return;
  }
  await finalizeMission(ctx, tx, missionId, 'succeeded', null);
}

/**
 * Moves a mission to its final status exactly once: the conditional UPDATE
 * only matches while the mission is still open, and a success additionally
 * requires every step to have succeeded.
 */
export async function finalizeMission(
  ctx: EngineCtx,
  tx: Tx,
  missionId: number,
  status: 'succeeded' | 'failed' | 'cancelled',
  reason: string | null,
): Promise<MissionRow | null> {
  const now = isoNow(ctx.clock);
  if (status !== 'succeeded') {
    await tx.query(
      `UPDATE ops_mission_steps SET status = 'cancelled', finished_at = $2 WHERE mission_id = $1 AND status IN ('pending', 'queued')`,
      [missionId, now],
    );
  }
  const res = await tx.query<MissionRow>(
    `UPDATE ops_missions SET status = $2, failure_reason = $3, finished_at = $4
     WHERE id = $1 AND status IN ('approved', 'running')
       AND ($2 <> 'succeeded' OR NOT EXISTS (SELECT 1 FROM ops_mission_steps WHERE mission_id = $1 AND status <> 'succeeded'))
     RETURNING ${MISSION_COLUMNS}`,
    [missionId, status, reason, now],
  );
  const mission = res.rows[0];
  if (!mission) return null;
  if (status !== 'cancelled') {
    const kinds = await tx.query<{ kind: string }>('SELECT kind FROM ops_mission_steps WHERE mission_id = $1 ORDER BY seq', [missionId]);
    await rememberMissionOutcome(tx, mission, status, kinds.rows.map((k) => k.kind), reason, now);
  }
  const verb = status === 'succeeded' ? 'succeeded' : status === 'failed' ? 'failed' : 'was cancelled';
  await writeEvent(ctx, tx, {
    agentId: mission.createdBy,
    kind: `mission_${status}`,
    title: `Mission ${verb}: ${mission.title}`,
    summary: reason ?? '',
    tags: ['mission', status, `mission_${status}`],
    missionId: mission.id,
    proposalId: mission.proposalId,
  });
  afterCommit(tx, () => ctx.bus.publish({ type: 'mission', mission }));
  return mission;
}

/** The channel a cancel notifies (payload: the mission id), so workers in other processes stop its running step. */
export const MISSION_CANCELLED_CHANNEL = 'emt_mission_cancelled';

/**
 * Cancels an open mission: its waiting steps and its running one are marked
 * cancelled (the running step's worker still holds it: its lease can no longer
 * be renewed and its completion matches nothing), and its workers are told to
 * abort it — in this process through the bus (the mission message), in others
 * through NOTIFY.
 */
export async function cancelMission(ctx: EngineCtx, id: number): Promise<MissionRow> {
  return ctx.db.transaction(async (tx) => {
    const m = await finalizeMission(ctx, tx, id, 'cancelled', 'Cancelled by you.');
    if (!m) {
      const cur = await getMissionRow(tx, id);
      if (!cur) throw new AppError('not_found', `There is no mission #${id}.`);
      throw new AppError('conflict', `Mission #${id} already ${cur.status}.`);
    }
    const running = await tx.query(
      `UPDATE ops_mission_steps SET status = 'cancelled', finished_at = $2 WHERE mission_id = $1 AND status = 'running'`,
      [id, isoNow(ctx.clock)],
    );
    if (running.rowCount > 0 && ctx.db.kind === 'postgres') await tx.query('SELECT pg_notify($1, $2)', [MISSION_CANCELLED_CHANNEL, String(id)]);
    return m;
  });
}

export async function getMissionRow(q: Queryable, id: number): Promise<MissionRow | null> {
  const res = await q.query<MissionRow>(`SELECT ${MISSION_COLUMNS} FROM ops_missions WHERE id = $1`, [id]);
  return res.rows[0] ?? null;
}

export async function getMission(q: Queryable, id: number): Promise<{ mission: MissionRow; steps: StepRow[]; events: EventRow[] }> {
  const mission = await getMissionRow(q, id);
  if (!mission) throw new AppError('not_found', `There is no mission #${id}.`);
  const steps = await q.query<StepRow>(`SELECT ${STEP_COLUMNS} FROM ops_mission_steps WHERE mission_id = $1 ORDER BY seq`, [id]);
  const events = await q.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ops_agent_events WHERE mission_id = $1 ORDER BY id LIMIT 1000`,
    [id],
  );
  return { mission, steps: steps.rows, events: events.rows };
}

export async function listMissions(
  q: Queryable,
  f: { status?: MissionStatus; agentId?: string; limit?: number; cursor?: number },
): Promise<(MissionRow & { stepKinds: string[]; stepsDone: number; stepsTotal: number })[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.status) where.push(`m.status = $${params.push(f.status)}`);
  if (f.agentId) where.push(`m.created_by = $${params.push(f.agentId)}`);
  if (f.cursor) where.push(`m.id < $${params.push(f.cursor)}`);
  params.push(Math.min(f.limit ?? 50, 200));
  const res = await q.query<MissionRow & { stepKinds: string[]; stepsDone: number; stepsTotal: number }>(
    `SELECT ${MISSION_COLUMNS.split(', ').map((c) => 'm.' + c).join(', ')},
            s.kinds AS "stepKinds", s.done AS "stepsDone", s.total AS "stepsTotal"
     FROM ops_missions m
     CROSS JOIN LATERAL (
       SELECT array_agg(kind ORDER BY seq) AS kinds, count(*) FILTER (WHERE status = 'succeeded')::int AS done, count(*)::int AS total
       FROM ops_mission_steps WHERE mission_id = m.id) s
     ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
     ORDER BY m.id DESC LIMIT $${params.length}`,
    params,
  );
  return res.rows.map((r) => ({ ...r, stepKinds: r.stepKinds ?? [] }));
}
