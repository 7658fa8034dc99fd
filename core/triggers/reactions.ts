import { readThrough, type Queryable } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import type { EngineCtx, EventHook, EventShape } from '../ops/ctx.js';
import type { EventRow } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import type { reactionPattern } from '../ops/policy-schemas.js';
import { createProposalAndMaybeAutoApprove, type StepSpec } from '../ops/proposal-service.js';
import { iso } from '../ops/time.js';
import type { z } from 'zod';

type Pattern = z.infer<typeof reactionPattern>;

export function patternKey(p: Pattern): string {
  return `${p.source}|${[...p.tags].sort().join('+')}|${p.target}|${p.type}`;
}

function matches(p: Pattern, ev: EventShape): boolean {
  if (p.source !== '*' && p.source !== ev.agentId) return false;
  return p.tags.every((t) => ev.tags.includes(t.toLowerCase()));
}

/**
 * The reaction matrix, run inside the transaction that writes each event:
 * every matching pattern rolls its probability, checks its cooldown, and on
 * success queues a reaction. Every roll is recorded.
 */
export const reactionMatrixHook: EventHook = Object.assign(reactionMatrix, {
  /** From the cached matrix: does any pattern match an event of this shape? */
  async wants(ctx: EngineCtx, ev: EventShape): Promise<boolean> {
    if (ev.kind === 'policy_changed' || ev.tags.includes('reaction_roll')) return false;
    const matrix = await cachedPolicy(ctx, 'reaction_matrix');
    return matrix.patterns.some((p) => matches(p, ev));
  },
});

async function reactionMatrix(ctx: EngineCtx, q: Queryable, ev: EventRow): Promise<void> {
  if (ev.kind === 'policy_changed' || ev.tags.includes('reaction_roll')) return;
  const matrix = await cachedPolicy(ctx, 'reaction_matrix', q);
  const hits = matrix.patterns.filter((p) => matches(p, ev));
  if (!hits.length) return;
  const now = isoNow(ctx.clock);
  for (const p of hits) {
    const key = patternKey(p);
    const roll = ctx.random.next();
    let outcome: 'queued' | 'lost_roll' | 'cooldown' = roll < p.probability ? 'queued' : 'lost_roll';
    let reactionId: number | null = null;
    if (outcome === 'queued' && p.cooldown > 0) {
      const recent = await q.query(
        `SELECT 1 FROM ops_agent_reactions WHERE pattern_key = $1 AND target_agent = $2 AND created_at > $3 LIMIT 1`,
        [key, p.target, iso(ctx.clock.now() - p.cooldown * 60_000)],
      );
      if (recent.rows.length) outcome = 'cooldown';
    }
    if (outcome === 'queued') {
      const ins = await q.query<{ id: number }>(
        `INSERT INTO ops_agent_reactions (pattern_key, source_event_id, source_agent, target_agent, reaction_type, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [key, ev.id, ev.agentId, p.target, p.type, now],
      );
      reactionId = ins.rows[0]?.id ?? null;
    }
    await q.query(
      `INSERT INTO ops_reaction_rolls (event_id, pattern_key, target, roll, probability, outcome, reaction_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [ev.id, key, p.target, roll, p.probability, outcome, reactionId, now],
    );
  }
}

interface QueuedReaction {
  id: number;
  targetAgent: string;
  reactionType: string;
  sourceEventId: number;
  title: string | null;
  summary: string | null;
  /** The target agent already has a proposal for the source event. */
  handled: boolean;
}

function stepsFor(type: string, title: string, summary: string): StepSpec[] {
  switch (type) {
    case 'draft':
    case 'amplify':
      return [{ kind: 'draft_tweet', payload: { topic: title } }];
    case 'write':
      return [{ kind: 'write_content', payload: { topic: title, brief: summary } }];
    default:
      return [{ kind: 'analyze', payload: { topic: `${type}: ${title}`, context: summary } }];
  }
}

/**
 * The heartbeat's reaction job: within its budget (3 s), turns queued
 * reactions into proposals through the one proposal service (same gates).
 */
export async function processReactionQueue(ctx: EngineCtx, budgetMs?: number): Promise<{ proposed: number; rejected: number; duplicate: number; left: number }> {
  const hb = await cachedPolicy(ctx, 'heartbeat_policy');
  const budget = budgetMs ?? hb.reaction_budget_ms;
  const t0 = ctx.clock.perf();
  const out = { proposed: 0, rejected: 0, duplicate: 0, left: 0 };
  // most heartbeats find the queue as empty as the one before: one read, from memory on PGlite
  if ((await queuedCount(ctx.db)) === 0) return out;
  // Proposals made by this run, for duplicates inside one batch (the batch's `handled` was read before them).
  const madeNow = new Set<string>();
  let batch: QueuedReaction[] = [];
  for (;;) {
    if (ctx.clock.perf() - t0 > budget) break;
    if (!batch.length) batch = await queuedReactions(ctx.db, REACTION_BATCH);
    const r = batch.shift();
    if (!r) break;
    const sourceRef = `event:${r.sourceEventId}`;
    const key = `${r.targetAgent}\u0000${sourceRef}`;
    const now = isoNow(ctx.clock);
    if (r.handled || madeNow.has(key)) {
      await finish(ctx.db, r.id, 'duplicate', null, 'this agent already has a proposal for that event', now);
      out.duplicate++;
      continue;
    }
    try {
      const title = r.title ?? `event #${r.sourceEventId}`;
      let steps = stepsFor(r.reactionType, title, r.summary ?? '');
      if (r.reactionType === 'post') {
        // publish the draft the source event's step wrote
        const draft = await ctx.db.query<{ id: number }>(
          `SELECT a.id FROM ops_agent_events e JOIN ops_artifacts a ON a.step_id = e.step_id AND a.kind = 'draft' WHERE e.id = $1 ORDER BY a.id DESC LIMIT 1`,
          [r.sourceEventId],
        );
        const id = draft.rows[0]?.id;
        if (id === undefined) {
          await finish(ctx.db, r.id, 'failed', null, 'the source event wrote no draft to post', now);
          continue;
        }
        steps = [{ kind: 'post_bluesky', payload: { draftArtifactId: id } }];
      }
      const res = await createProposalAndMaybeAutoApprove(ctx, {
        agentId: r.targetAgent,
        title: `${capitalize(r.reactionType)}: ${title.replace(/^Mission failed: /, '')}`.slice(0, 300),
        steps,
        source: 'reaction',
        sourceRef,
        description: `Reacting (${r.reactionType}) to event #${r.sourceEventId}.`,
      });
      madeNow.add(key);
      const rejected = res.proposal.status === 'rejected';
      await finish(ctx.db, r.id, rejected ? 'rejected' : 'proposed', res.proposal.id, res.proposal.rejectionReason ?? `proposal #${res.proposal.id} ${res.proposal.status}`, now);
      if (rejected) out.rejected++;
      else out.proposed++;
    } catch (err) {
      await finish(ctx.db, r.id, 'failed', null, err instanceof Error ? err.message : String(err), now);
    }
  }
  out.left = await queuedCount(ctx.db);
  return out;
}

async function queuedCount(q: Queryable): Promise<number> {
  const r = await readThrough<{ n: number }>(q, `SELECT count(*)::int AS n FROM ops_agent_reactions WHERE status = 'queued'`, undefined, ['ops_agent_reactions']);
  return r.rows[0]?.n ?? 0;
}

/** Queued reactions read at a time; each is still handled, and the budget checked, one by one. */
const REACTION_BATCH = 20;

/**
 * The oldest queued reactions with their source events, and whether the target agent already has a
 * proposal for that event (one statement for the batch instead of two per reaction): the batch is
 * cut first, so only its own events are looked up. One heartbeat at a time runs this (its lock), so
 * nothing else handles these rows meanwhile.
 */
async function queuedReactions(q: Queryable, limit: number): Promise<QueuedReaction[]> {
  const res = await q.query<QueuedReaction>(
    `SELECT r.id, r.target_agent AS "targetAgent", r.reaction_type AS "reactionType", r.source_event_id AS "sourceEventId", e.title, e.summary,
            EXISTS (SELECT 1 FROM ops_mission_proposals p WHERE p.agent_id = r.target_agent AND p.source_ref = 'event:' || r.source_event_id) AS handled
     FROM (SELECT id, target_agent, reaction_type, source_event_id FROM ops_agent_reactions WHERE status = 'queued' ORDER BY id LIMIT $1) r
     LEFT JOIN ops_agent_events e ON e.id = r.source_event_id
     ORDER BY r.id`,
    [limit],
  );
  return res.rows;
}

async function finish(q: Queryable, id: number, status: string, proposalId: number | null, result: string, now: string): Promise<void> {
  await q.query(`UPDATE ops_agent_reactions SET status = $2, proposal_id = $3, result = $4, processed_at = $5 WHERE id = $1`, [id, status, proposalId, result.slice(0, 500), now]);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
