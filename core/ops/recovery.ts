import { anyStale } from './queue-peek.js';
import type { EngineCtx } from './ctx.js';
import { writeEvent } from './events.js';
import { announceQueued, finalizeMission, STEP_COLUMNS, type StepRow } from './missions.js';
import { cachedPolicy } from './policy.js';
import { iso } from './time.js';

/**
 * A running step whose lease (heartbeat_at) is older than the policy's
 * stale_step_minutes (30) lost its worker. Re-queue it while attempts remain,
 * else fail it and finalize its mission.
 */
export async function recoverStaleSteps(ctx: EngineCtx): Promise<{ requeued: number; failed: number }> {
  const hb = await cachedPolicy(ctx, 'heartbeat_policy');
  const cutoff = iso(ctx.clock.now() - hb.stale_step_minutes * 60_000);
  if (!(await anyStale(ctx.db, 'ops_mission_steps', cutoff))) return { requeued: 0, failed: 0 };
  return ctx.db.transaction(async (tx) => {
    const stale = await tx.query<StepRow>(
      `SELECT ${STEP_COLUMNS} FROM ops_mission_steps WHERE status = 'running' AND heartbeat_at < $1
       ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED`,
      [cutoff],
    );
    let requeued = 0;
    let failed = 0;
    const now = iso(ctx.clock.now());
    for (const step of stale.rows) {
      const agentRow = await tx.query<{ created_by: string }>('SELECT created_by FROM ops_missions WHERE id = $1', [step.missionId]);
      const agentId = agentRow.rows[0]?.created_by ?? null;
      const message = `Its worker (${step.reservedBy}) stopped answering for over ${hb.stale_step_minutes} minutes.`;
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
