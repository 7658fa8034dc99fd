import { anyStale } from './queue-peek.js';
import type { EngineCtx } from './ctx.js';
import { writeEvent } from './events.js';
import { announceQueued, finalizeMission, STEP_COLUMNS, type StepRow } from './missions.js';
import { cachedPolicy } from './policy.js';
import { iso } from './time.js';

/**
 * A running step whose lease (heartbeat_at, renewed by its worker every quarter of
 * heartbeat_policy.stale_step_minutes) is older than stale_step_minutes lost its worker.
 * Re-queue it while attempts remain, else fail it and finalize its mission.
 */
export async function recoverStaleSteps(ctx: EngineCtx): Promise<{ requeued: number; failed: number }> {
  const hb = await cachedPolicy(ctx, 'heartbeat_policy');
  const cutoff = iso(ctx.clock.now() - hb.stale_step_minutes * 60_000);
  // On a data folder this process is the only one, and alive: a step it holds is still being
  // worked on, however late a renewal is (a long statement can hold up its timers).
  const spare = ctx.db.kind === 'pglite' ? ctx.processId : null;
  return recoverSteps(ctx, cutoff, spare, (step) => `Its worker (${step.reservedBy}) stopped answering for over ${leaseWords(hb.stale_step_minutes)}.`);
}

/**
 * On a data folder only one process runs (its lock says so), so at start every step still
 * marked running was left by a process that is gone: it goes back to the queue at once
 * instead of waiting for its lease to run out.
 */
export function recoverOrphanedSteps(ctx: EngineCtx): Promise<{ requeued: number; failed: number }> {
  return recoverSteps(ctx, '9999-12-31T23:59:59.999Z', null, () => 'The app stopped while it ran; it runs again.');
}

/** "30 seconds", "2 minutes", "1.5 minutes". */
function leaseWords(minutes: number): string {
  return minutes < 1 ? `${Math.round(minutes * 60)} seconds` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

async function recoverSteps(ctx: EngineCtx, cutoff: string, spare: string | null, why: (step: StepRow) => string): Promise<{ requeued: number; failed: number }> {
  if (!(await anyStale(ctx.db, 'ops_mission_steps', cutoff))) return { requeued: 0, failed: 0 };
  return ctx.db.transaction(async (tx) => {
    const stale = await tx.query<StepRow>(
      `SELECT ${STEP_COLUMNS} FROM ops_mission_steps WHERE status = 'running' AND heartbeat_at < $1 AND reserved_by IS DISTINCT FROM $2
       ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED`,
      [cutoff, spare],
    );
    let requeued = 0;
    let failed = 0;
    const now = iso(ctx.clock.now());
    for (const step of stale.rows) {
      const agentRow = await tx.query<{ created_by: string }>('SELECT created_by FROM ops_missions WHERE id = $1', [step.missionId]);
      const agentId = agentRow.rows[0]?.created_by ?? null;
      const message = why(step);
      if (step.attempts < step.maxAttempts) {
        // run_after is kept: the step was due when its worker took it, and it keeps its
        // place at the head of the queue instead of waiting behind everything queued since
        await tx.query(
          `UPDATE ops_mission_steps SET status = 'queued', reserved_by = NULL, heartbeat_at = NULL, last_error = $2, error_code = 'stale'
           WHERE id = $1`,
          [step.id, message],
        );
        requeued++;
        await announceQueued(ctx, tx, step.kind);
      } else {
        await tx.query(
          `UPDATE ops_mission_steps SET status = 'failed', finished_at = $2, last_error = $3, error_code = 'stale' WHERE id = $1`,
          [step.id, now, message],
        );
        await finalizeMission(ctx, tx, step.missionId, 'failed', `Step ${step.seq + 1} (${step.kind}) went stale: ${message}`);
        failed++;
      }
      await writeEvent(ctx, tx, {
        agentId,
        kind: 'step_recovered',
        title: `Recovered stale ${step.kind} step (${step.attempts < step.maxAttempts ? 're-queued' : 'failed'})`,
        summary: message,
        tags: ['step', 'stale', 'recovered', step.kind],
        missionId: step.missionId,
        stepId: step.id,
      });
    }
    return { requeued, failed };
  });
}
