import { anyDue } from '../ops/queue-peek.js';
import { afterCommit, type Queryable } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import { iso } from '../ops/time.js';
import { isoNow } from '../ports/clock.js';

/** Wakes the in-process initiative worker. */
export const INITIATIVE_WAKE = 'queue:initiative';

export interface InitiativeRow {
  id: number;
  agentId: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  attempts: number;
  maxAttempts: number;
  reason: Record<string, unknown>;
  result: unknown;
  lastError: string | null;
  createdAt: string;
}

const COLUMNS =
  'id, agent_id AS "agentId", status, attempts, max_attempts AS "maxAttempts", reason, result, last_error AS "lastError", created_at AS "createdAt"';

export interface Readiness {
  agentId: string;
  highConfidence: number;
  outcomeLessons: number;
  lastQueuedAt: string | null;
  open: boolean;
}

/** Each enabled agent's standing for an initiative: experience, outcome lessons, last initiative. */
export async function initiativeReadiness(q: Queryable, highConfidence: number): Promise<Readiness[]> {
  const res = await q.query<Readiness>(
    `SELECT a.id AS "agentId",
       (SELECT count(*)::int FROM ops_agent_memory m WHERE m.agent_id = a.id AND m.superseded_at IS NULL AND m.confidence >= $1) AS "highConfidence",
       (SELECT count(*)::int FROM ops_agent_memory m WHERE m.agent_id = a.id AND m.superseded_at IS NULL
          AND m.type = 'lesson' AND m.provenance IN ('outcome', 'mission')) AS "outcomeLessons",
       (SELECT max(created_at) FROM ops_initiative_queue i WHERE i.agent_id = a.id) AS "lastQueuedAt",
       EXISTS (SELECT 1 FROM ops_initiative_queue i WHERE i.agent_id = a.id AND i.status IN ('queued', 'running')) AS open
     FROM ops_agents a WHERE a.enabled ORDER BY a.sort_order, a.id`,
    [highConfidence],
  );
  return res.rows;
}

/**
 * Heartbeat job: queues an initiative for each agent with enough experience —
 * at least min_high_confidence_memories (5) memories of confidence ≥ 0.7 and
 * at least one lesson learned from real outcomes — at most once per
 * cooldown_hours (4), and only while initiative_policy.enabled (off by default).
 */
export async function queueInitiatives(ctx: EngineCtx): Promise<{ queued: string[] } | { skipped: 'disabled' }> {
  const policy = await cachedPolicy(ctx, 'initiative_policy');
  if (!policy.enabled) return { skipped: 'disabled' };
  const nowMs = ctx.clock.now();
  const cooldownMs = policy.cooldown_hours * 3_600_000;
  const queued: string[] = [];
  for (const r of await initiativeReadiness(ctx.db, policy.high_confidence)) {
    if (r.open || r.highConfidence < policy.min_high_confidence_memories || r.outcomeLessons < 1) continue;
    if (r.lastQueuedAt && Date.parse(r.lastQueuedAt) > nowMs - cooldownMs) continue;
    await ctx.db.transaction(async (tx) => {
      const now = isoNow(ctx.clock);
      const ins = await tx.query<{ id: number }>(
        `INSERT INTO ops_initiative_queue (agent_id, run_after, reason, created_at) VALUES ($1, $2, $3::jsonb, $2) RETURNING id`,
        [r.agentId, now, JSON.stringify({ highConfidence: r.highConfidence, outcomeLessons: r.outcomeLessons })],
      );
      await writeEvent(ctx, tx, {
        agentId: r.agentId,
        kind: 'initiative_queued',
        title: `${r.agentId} has enough experience to propose something`,
        summary: `${r.highConfidence} confident memories, ${r.outcomeLessons} lessons from outcomes.`,
        tags: ['initiative', 'queued'],
        payload: { initiativeId: ins.rows[0]?.id },
      });
      afterCommit(tx, () => ctx.bus.wake(INITIATIVE_WAKE));
    });
    queued.push(r.agentId);
  }
  return { queued };
}

export async function claimInitiative(ctx: EngineCtx, workerId: string): Promise<InitiativeRow | null> {
  const now = isoNow(ctx.clock);
  // A paused agent's initiatives wait (agents.setPaused).
  const paused = ctx.pause?.pausedAgentIds ?? [];
  if (!(await anyDue(ctx.db, 'ops_initiative_queue', now))) return null;
  const res = await ctx.db.query<InitiativeRow>(
    `UPDATE ops_initiative_queue SET status = 'running', reserved_by = $2, heartbeat_at = $1, started_at = coalesce(started_at, $1), attempts = attempts + 1
     WHERE id = (SELECT id FROM ops_initiative_queue WHERE status = 'queued' AND run_after <= $1 ${paused.length ? 'AND agent_id <> ALL($3::text[])' : ''}
       ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    paused.length ? [now, workerId, paused] : [now, workerId],
  );
  return res.rows[0] ?? null;
}

export async function releaseInitiative(ctx: EngineCtx, id: number, workerId: string, reason: string): Promise<void> {
  await ctx.db.query(
    `UPDATE ops_initiative_queue SET status = 'queued', reserved_by = NULL, heartbeat_at = NULL, attempts = greatest(attempts - 1, 0), last_error = $3
     WHERE id = $1 AND status = 'running' AND reserved_by = $2`,
    [id, workerId, reason],
  );
}

/** A failure: re-queued later while attempts remain (unless `final`), else failed, with an event. */
export async function failInitiative(ctx: EngineCtx, row: InitiativeRow, workerId: string, message: string, final = false): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const nowMs = ctx.clock.now();
    const again = !final && row.attempts < row.maxAttempts;
    const res = again
      ? await tx.query(
          `UPDATE ops_initiative_queue SET status = 'queued', reserved_by = NULL, heartbeat_at = NULL, run_after = $3, last_error = $4
           WHERE id = $1 AND status = 'running' AND reserved_by = $2`,
          [row.id, workerId, iso(nowMs + 60_000 * row.attempts), message],
        )
      : await tx.query(
          `UPDATE ops_initiative_queue SET status = 'failed', finished_at = $3, last_error = $4 WHERE id = $1 AND status = 'running' AND reserved_by = $2`,
          [row.id, workerId, iso(nowMs), message],
        );
    if (res.rowCount === 0) return;
    await writeEvent(ctx, tx, {
      agentId: row.agentId,
      kind: again ? 'initiative_retry' : 'initiative_failed',
      title: again ? `${row.agentId}'s initiative will be retried` : `${row.agentId}'s initiative failed`,
      summary: message,
      tags: ['initiative', again ? 'retry' : 'failed'],
      payload: { initiativeId: row.id },
    });
  });
}

export async function renewInitiativeLease(ctx: EngineCtx, id: number, workerId: string): Promise<boolean> {
  const res = await ctx.db.query(`UPDATE ops_initiative_queue SET heartbeat_at = $3 WHERE id = $1 AND status = 'running' AND reserved_by = $2`, [
    id,
    workerId,
    isoNow(ctx.clock),
  ]);
  return res.rowCount > 0;
}
