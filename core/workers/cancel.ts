import { AppError } from '../api/errors.js';
import type { Queryable } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import type { StepRow } from '../ops/missions.js';

/**
 * Cancel means stop. Cancelling a mission marks its running step cancelled in
 * the same transaction (so its lease can no longer be renewed and its
 * completion matches nothing), tells this process's workers through the bus
 * and other processes' through NOTIFY on this channel (payload: mission id);
 * the worker running the step aborts its signal, and when the executor
 * returns, the only thing written is a "stopped" note.
 */
export { MISSION_CANCELLED_CHANNEL } from '../ops/missions.js';

/** An AbortError, the shape every executor and the failure classifier already know. */
export function cancelledError(missionId: number): Error {
  const err = new Error(`Mission #${missionId} was cancelled.`);
  err.name = 'AbortError';
  return err;
}

/**
 * For steps about to do something that cannot be taken back (publishing):
 * throws when the step's signal was aborted or its mission is no longer open.
 */
export async function assertMissionOpen(q: Queryable, missionId: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw cancelledError(missionId);
  const res = await q.query<{ status: string }>('SELECT status FROM ops_missions WHERE id = $1', [missionId]);
  const status = res.rows[0]?.status;
  if (status === 'cancelled') throw cancelledError(missionId);
  if (status !== 'approved' && status !== 'running') throw new AppError('conflict', `Mission #${missionId} is already ${status ?? 'gone'}; the step does nothing.`);
}

/**
 * After a step of a cancelled mission returned (or threw): releases it and
 * writes one "stopped" note. Exactly once: only the worker that still holds the
 * cancelled step matches. False when the step was not cancelled (nothing written).
 */
export async function noteStopped(ctx: EngineCtx, step: StepRow & { agentId?: string }, workerId: string): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const res = await tx.query<{ agentId: string | null }>(
      `UPDATE ops_mission_steps s SET reserved_by = NULL, heartbeat_at = NULL
       FROM ops_missions m
       WHERE s.id = $1 AND s.status = 'cancelled' AND s.reserved_by = $2 AND m.id = s.mission_id
       RETURNING m.created_by AS "agentId"`,
      [step.id, workerId],
    );
    const row = res.rows[0];
    if (!row) return false;
    await writeEvent(ctx, tx, {
      agentId: step.agentId ?? row.agentId,
      kind: 'step_stopped',
      title: `${step.kind} stopped: its mission was cancelled`,
      summary: 'The running step was aborted when its mission was cancelled; nothing it did afterwards was kept.',
      tags: ['step', 'stopped', 'cancelled', step.kind],
      missionId: step.missionId,
      stepId: step.id,
    });
    return true;
  });
}
