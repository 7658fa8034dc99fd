import { afterCommit } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import { anyStale } from '../ops/queue-peek.js';
import { iso } from '../ops/time.js';
import { ROUNDTABLE_WAKE } from './queue.js';
import { INITIATIVE_WAKE } from '../initiative/queue.js';

interface Stale {
  id: number;
  attempts: number;
  maxAttempts: number;
  reservedBy: string;
  label: string;
  agentId: string | null;
}

/**
 * A conversation or initiative still "running" whose lease (heartbeat_at) is
 * older than roundtable_policy.stale_minutes lost its worker (a crash, a
 * killed process). Re-queue it while attempts remain — a conversation then
 * continues from its stored turns — else fail it.
 */
async function recover(
  ctx: EngineCtx,
  table: 'ops_roundtable_queue' | 'ops_initiative_queue',
  select: string,
  wake: string,
  kind: string,
): Promise<{ requeued: number; failed: number }> {
  const policy = await cachedPolicy(ctx, 'roundtable_policy');
  const nowMs = ctx.clock.now();
  const cutoff = iso(nowMs - policy.stale_minutes * 60_000);
  if (!(await anyStale(ctx.db, table, cutoff))) return { requeued: 0, failed: 0 };
  return ctx.db.transaction(async (tx) => {
    const stale = await tx.query<Stale>(
      `SELECT id, attempts, max_attempts AS "maxAttempts", reserved_by AS "reservedBy", ${select}
       FROM ${table} WHERE status = 'running' AND heartbeat_at < $1 ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED`,
      [cutoff],
    );
    let requeued = 0;
    let failed = 0;
    const now = iso(nowMs);
    for (const s of stale.rows) {
      const message = `Its worker (${s.reservedBy}) stopped answering for over ${policy.stale_minutes} minutes.`;
      const again = s.attempts < s.maxAttempts;
      if (again) {
        await tx.query(`UPDATE ${table} SET status = 'queued', reserved_by = NULL, heartbeat_at = NULL, run_after = $2, last_error = $3 WHERE id = $1`, [
          s.id,
          now,
          message,
        ]);
        requeued++;
      } else {
        await tx.query(`UPDATE ${table} SET status = 'failed', finished_at = $2, last_error = $3 WHERE id = $1`, [s.id, now, message]);
        failed++;
      }
      await writeEvent(ctx, tx, {
        agentId: s.agentId,
        kind: `${kind}_recovered`,
        title: `Recovered stale ${s.label} (${again ? 're-queued' : 'failed'})`,
        summary: message,
        tags: [kind, 'stale', 'recovered'],
        payload: { id: s.id, attempts: s.attempts, requeued: again },
      });
    }
    if (requeued) afterCommit(tx, () => ctx.bus.wake(wake));
    return { requeued, failed };
  });
}

export function recoverStaleRoundtables(ctx: EngineCtx): Promise<{ requeued: number; failed: number }> {
  return recover(ctx, 'ops_roundtable_queue', `'conversation #' || id || ' (' || format || ')' AS label, NULL AS "agentId"`, ROUNDTABLE_WAKE, 'roundtable');
}

export function recoverStaleInitiatives(ctx: EngineCtx): Promise<{ requeued: number; failed: number }> {
  return recover(ctx, 'ops_initiative_queue', `'initiative #' || id || ' of ' || agent_id AS label, agent_id AS "agentId"`, INITIATIVE_WAKE, 'initiative');
}
