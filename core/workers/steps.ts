import { afterCommit, queryWoken, STEP_QUEUED_CHANNEL, type Queryable } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { hooksWant } from '../ops/ctx.js';
import { finalizeMission, STEP_COLUMNS, type StepRow } from '../ops/missions.js';
import { completeInOneStatement, type CompletedStep } from './complete-step.js';
import { iso } from '../ops/time.js';

/**
 * Claims the oldest due queued step of one of `kinds` for `workerId`. The
 * row lock with SKIP LOCKED makes the claim atomic: two workers, in one
 * process or many, never get the same step. Steps of missions created by
 * `skipAgents` (paused agents) are left queued.
 */
export async function claimStep(ctx: EngineCtx, kinds: readonly string[], workerId: string, skipAgents: readonly string[] = []): Promise<ClaimedStep | null> {
  return (await claimSteps(ctx, kinds, workerId, 1, skipAgents))[0] ?? null;
}

/**
 * Claims up to `max` of the oldest due queued steps in one statement (a worker with free slots
 * fills them at once). The claimer announces each step on the bus when its executor starts.
 * With `markMissions` the same statement marks their missions running; without, the claimer
 * does it after the steps have started (markMissionsRunning), off the path to the start: on
 * PostgreSQL that is a round trip saved before the first step begins.
 */
export async function claimSteps(
  ctx: EngineCtx,
  kinds: readonly string[],
  workerId: string,
  max: number,
  skipAgents: readonly string[] = [],
  opts: { markMissions?: boolean } = {},
): Promise<ClaimedStep[]> {
  const now = isoNow(ctx.clock);
  // Only when some agent is paused: the common claim stays the same statement.
  const skip = skipAgents.length ? 'AND mission_id NOT IN (SELECT id FROM ops_missions WHERE created_by = ANY($5::text[]))' : '';
  // One kind (what every dispatcher claims) is an equality, so the partial claim index
  // (kind, run_after, id) hands the rows over in order and LIMIT stops the scan; with
  // `= ANY(array)` the planner cannot know the order and reads and sorts every queued step.
  const kindMatch = kinds.length === 1 ? 'kind = $3::text' : 'kind = ANY($3::text[])';
  const kindParam = kinds.length === 1 ? kinds[0] : kinds;
  const mark = opts.markMissions ?? true;
  const sql = `WITH claimed AS (
       UPDATE ops_mission_steps
       SET status = 'running', reserved_by = $2, heartbeat_at = $1, started_at = $1, attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM ops_mission_steps
         WHERE status = 'queued' AND ${kindMatch} AND run_after <= $1 ${skip}
         ORDER BY run_after, id
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING *)${
         mark
           ? `,
     started AS (
       UPDATE ops_missions m SET status = 'running', started_at = $1
       FROM claimed c WHERE m.id = c.mission_id AND m.status = 'approved')`
           : ''
       }
     SELECT ${CLAIMED_COLUMNS}, m.created_by AS "agentId"
     FROM claimed c JOIN ops_missions m ON m.id = c.mission_id`;
  const params = skipAgents.length ? [now, workerId, kindParam, Math.max(1, max), skipAgents] : [now, workerId, kindParam, Math.max(1, max)];
  // Without `markMissions` the claim takes no lock it could wait on (SKIP LOCKED), so on
  // PostgreSQL it may run on the LISTEN connection, whose NOTIFY has usually just woken this loop.
  const res = mark ? await ctx.db.query<ClaimedStep>(sql, params) : await queryWoken<ClaimedStep>(ctx.db, sql, params);
  // oldest first, as they were queued (the order RETURNING gives is not promised)
  return res.rows.sort((a, b) => (a.runAfter < b.runAfter ? -1 : a.runAfter > b.runAfter ? 1 : a.id - b.id));
}

const CLAIMED_COLUMNS = STEP_COLUMNS.replace(/(^|, )([a-z_]+)/g, '$1c.$2');

/**
 * Marks the missions of just-claimed steps running (those still approved: one that already
 * finished, or was cancelled, is left as it is), as of their steps' claim. It runs beside the
 * statements that record those steps' successes, so it never waits for a mission row another
 * statement holds (SKIP LOCKED): that statement is finishing the mission anyway, and two
 * statements waiting on each other's rows would stall both until PostgreSQL's deadlock check.
 */
export async function markMissionsRunning(ctx: EngineCtx, steps: readonly StepRow[]): Promise<void> {
  if (!steps.length) return;
  await ctx.db.query(
    `UPDATE ops_missions SET status = 'running', started_at = $2
     WHERE id IN (SELECT id FROM ops_missions WHERE id = ANY($1::bigint[]) AND status = 'approved' FOR UPDATE SKIP LOCKED)`,
    [[...new Set(steps.map((s) => s.missionId))], steps[0]!.startedAt],
  );
}

/** A claimed step and the agent whose mission it belongs to. */
export interface ClaimedStep extends StepRow {
  agentId: string;
}

/**
 * Hands claimed steps that never started back to the queue, as they were before the claim
 * (the attempt is not spent), and wakes their workers: here through the bus, in other
 * processes through NOTIFY. Only steps this worker still holds are touched.
 */
export async function releaseSteps(ctx: EngineCtx, steps: readonly StepRow[], workerId: string): Promise<void> {
  if (!steps.length) return;
  const res = await ctx.db.query<{ kind: string }>(
    `WITH released AS (
       UPDATE ops_mission_steps SET status = 'queued', reserved_by = NULL, heartbeat_at = NULL, started_at = NULL, attempts = attempts - 1
       WHERE id = ANY($1::bigint[]) AND status = 'running' AND reserved_by = $2
       RETURNING kind),
     kinds AS (SELECT DISTINCT kind FROM released),
     notified AS (SELECT pg_notify('${STEP_QUEUED_CHANNEL}', kind) FROM kinds WHERE $3::boolean)
     SELECT kind, (SELECT count(*) FROM notified) AS notified FROM kinds`,
    [steps.map((s) => s.id), workerId, ctx.db.kind === 'postgres'],
  );
  for (const { kind } of res.rows) ctx.bus.wake(kind);
}

/** Renews a running step's lease; false when the lease was lost (recovered elsewhere). */
export async function renewLease(ctx: EngineCtx, stepId: number, workerId: string): Promise<boolean> {
  const res = await ctx.db.query(
    `UPDATE ops_mission_steps SET heartbeat_at = $3 WHERE id = $1 AND status = 'running' AND reserved_by = $2`,
    [stepId, workerId, isoNow(ctx.clock)],
  );
  return res.rowCount > 0;
}

export interface StepSuccess {
  result?: unknown;
  summary?: string;
  tags?: string[];
}

/** A step that succeeded, and what its executor returned. */
export interface StepCompletion {
  step: StepRow & { agentId?: string };
  out: StepSuccess;
}

/**
 * Marks steps succeeded (each only while this worker still holds it) and
 * advances their missions: one statement for the whole batch
 * (complete-step.ts). It runs inside a transaction only when an event hook may
 * act on one of its events (the reaction matrix, say), so a batch of plain
 * steps costs one round trip. Returns, per step, whether it was recorded.
 */
export async function completeSteps(ctx: EngineCtx, workerId: string, items: readonly StepCompletion[]): Promise<boolean[]> {
  const now = isoNow(ctx.clock);
  const inputs = items.map(({ step, out }) => ({
    step,
    result: out.result,
    summary: out.summary ?? '',
    tags: [...new Set(['step', 'succeeded', step.kind, ...(out.tags ?? [])].map((t) => t.toLowerCase()))].slice(0, 20),
  }));
  let hooked = false;
  for (const { step, tags } of inputs) {
    const agentId = step.agentId;
    hooked =
      agentId === undefined ||
      (await hooksWant(ctx, [
        { kind: 'step_succeeded', agentId, tags },
        { kind: 'mission_succeeded', agentId, tags: ['mission', 'succeeded', 'mission_succeeded'] },
      ]));
    if (hooked) break;
  }
  const run = async (q: Queryable): Promise<(CompletedStep | null)[]> => {
    const done = await completeInOneStatement(ctx, q, workerId, now, inputs);
    for (const c of done) if (c) for (const ev of [c.stepEvent, c.missionEvent]) if (ev) for (const hook of ctx.eventHooks) await hook(ctx, q, ev);
    return done;
  };
  const done = hooked ? await ctx.db.transaction(run) : await run(ctx.db);
  for (const c of done) {
    if (!c) continue;
    ctx.bus.publish({ type: 'event', event: c.stepEvent });
    if (c.missionEvent) ctx.bus.publish({ type: 'event', event: c.missionEvent });
    if (c.mission) ctx.bus.publish({ type: 'mission', mission: c.mission });
    ctx.bus.publish({ type: 'step', step: c.step });
    if (c.nextKind) ctx.bus.wake(c.nextKind);
  }
  return done.map((c) => c !== null);
}

/** One step's success (see completeSteps); false when this worker no longer holds it. */
export async function completeStep(ctx: EngineCtx, step: StepRow & { agentId?: string }, workerId: string, out: StepSuccess): Promise<boolean> {
  return (await completeSteps(ctx, workerId, [{ step, out }]))[0]!;
}

export type FailureMode = 'retry' | 'fatal' | 'pause';

export interface StepFailure {
  mode: FailureMode;
  code: string;
  message: string;
  /** For 'retry': when to try again. For 'pause': when to look again. */
  delayMs: number;
}

/**
 * Records a failed attempt. 'retry' re-queues with backoff while attempts
 * remain, else fails the step and its mission; 'fatal' fails at once; 'pause'
 * puts the step back without spending an attempt (the host is away, not the step's fault).
 */
export async function failStep(ctx: EngineCtx, step: StepRow & { agentId?: string }, workerId: string, f: StepFailure): Promise<'requeued' | 'failed' | 'lost'> {
  return ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const giveUp = f.mode === 'fatal' || (f.mode === 'retry' && step.attempts >= step.maxAttempts);
    const agentId = step.agentId ?? (await missionAgent(tx, step.missionId));
    if (!giveUp) {
      const res = await tx.query<StepRow>(
        `UPDATE ops_mission_steps SET status = 'queued', reserved_by = NULL, heartbeat_at = NULL, run_after = $3,
           last_error = $4, error_code = $5, attempts = attempts - $6
         WHERE id = $1 AND status = 'running' AND reserved_by = $2 RETURNING ${STEP_COLUMNS}`,
        [step.id, workerId, iso(now + f.delayMs), f.message, f.code, f.mode === 'pause' ? 1 : 0],
      );
      const row = res.rows[0];
      if (!row) return 'lost';
      await writeEvent(ctx, tx, {
        agentId,
        kind: f.mode === 'pause' ? 'step_paused' : 'step_retry',
        title: f.mode === 'pause' ? `${step.kind} waits: ${f.message}` : `${step.kind} failed, retrying (attempt ${step.attempts}/${step.maxAttempts})`,
        summary: f.message,
        tags: ['step', f.mode === 'pause' ? 'paused' : 'retry', step.kind, f.code],
        missionId: step.missionId,
        stepId: step.id,
        payload: { code: f.code, retryInMs: f.delayMs },
      });
      afterCommit(tx, () => ctx.bus.publish({ type: 'step', step: row }));
      return 'requeued';
    }
    const res = await tx.query<StepRow>(
      `UPDATE ops_mission_steps SET status = 'failed', finished_at = $3, last_error = $4, error_code = $5
       WHERE id = $1 AND status = 'running' AND reserved_by = $2 RETURNING ${STEP_COLUMNS}`,
      [step.id, workerId, iso(now), f.message, f.code],
    );
    const row = res.rows[0];
    if (!row) return 'lost';
    await writeEvent(ctx, tx, {
      agentId,
      kind: 'step_failed',
      title: `${step.kind} failed: ${f.message}`,
      summary: f.message,
      tags: ['step', 'failed', step.kind, f.code],
      missionId: step.missionId,
      stepId: step.id,
      payload: { code: f.code, attempts: step.attempts },
    });
    await finalizeMission(ctx, tx, step.missionId, 'failed', `Step ${step.seq + 1} (${step.kind}) failed: ${f.message}`);
    afterCommit(tx, () => ctx.bus.publish({ type: 'step', step: row }));
    return 'failed';
  });
}

async function missionAgent(q: Queryable, missionId: number): Promise<string | null> {
  const res = await q.query<{ created_by: string }>('SELECT created_by FROM ops_missions WHERE id = $1', [missionId]);
  return res.rows[0]?.created_by ?? null;
}

/** Backoff for attempt n (1-based): base · 2^(n-1), capped. */
export function backoffMs(attempt: number, baseSeconds: number, maxSeconds: number): number {
  return Math.min(baseSeconds * 2 ** Math.max(0, attempt - 1), maxSeconds) * 1000;
}
