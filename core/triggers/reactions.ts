import { readThrough, type Queryable } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import type { EngineCtx, EventHook, EventShape } from '../ops/ctx.js';
import type { EventRow } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import type { reactionPattern } from '../ops/policy-schemas.js';
import { AppError } from '../api/errors.js';
import { createProposals, type ProposalInput, type ProposalResult, type StepSpec } from '../ops/proposal-service.js';
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
 * reactions into proposals through the one proposal service (same gates),
 * a batch at a time: the proposals of a batch are decided in one transaction
 * (createProposals) and the reactions marked done in one statement.
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
  // Where the next batch starts: the queue index is read from there, not over the entries of
  // the reactions this run already handled (dead until a VACUUM).
  let afterId = 0;
  for (;;) {
    if (ctx.clock.perf() - t0 > budget) break;
    if (!batch.length) batch = await queuedReactions(ctx.db, REACTION_BATCH, afterId);
    if (!batch.length) break;
    afterId = batch.at(-1)!.id;
    // Up to the first reaction for an (agent, event) the chunk already proposes for: that one
    // waits for the next chunk, where it is seen as the duplicate it is (or tried, if the first failed).
    const chunk: QueuedReaction[] = [];
    const keys = new Set<string>();
    while (batch.length && !keys.has(reactionKey(batch[0]!))) {
      keys.add(reactionKey(batch[0]!));
      chunk.push(batch.shift()!);
    }
    await handleChunk(ctx, chunk, madeNow, out);
  }
  out.left = await queuedCount(ctx.db);
  return out;
}

const reactionKey = (r: QueuedReaction): string => `${r.targetAgent}\u0000event:${r.sourceEventId}`;

interface Finished {
  id: number;
  status: 'duplicate' | 'failed' | 'rejected' | 'proposed';
  proposalId: number | null;
  result: string;
}

async function handleChunk(ctx: EngineCtx, chunk: QueuedReaction[], madeNow: Set<string>, out: { proposed: number; rejected: number; duplicate: number }): Promise<void> {
  const now = isoNow(ctx.clock);
  const finished: Finished[] = [];
  const asks: { r: QueuedReaction; input: ProposalInput }[] = [];
  for (const r of chunk) {
    if (r.handled || madeNow.has(reactionKey(r))) {
      finished.push({ id: r.id, status: 'duplicate', proposalId: null, result: 'this agent already has a proposal for that event' });
      out.duplicate++;
      continue;
    }
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
        finished.push({ id: r.id, status: 'failed', proposalId: null, result: 'the source event wrote no draft to post' });
        continue;
      }
      steps = [{ kind: 'post_bluesky', payload: { draftArtifactId: id } }];
    }
    asks.push({
      r,
      input: {
        agentId: r.targetAgent,
        title: `${capitalize(r.reactionType)}: ${title.replace(/^Mission failed: /, '')}`.slice(0, 300),
        steps,
        source: 'reaction',
        sourceRef: `event:${r.sourceEventId}`,
        description: `Reacting (${r.reactionType}) to event #${r.sourceEventId}.`,
      },
    });
  }
  let results: ProposalResult[] = [];
  try {
    if (asks.length) results = await createProposals(ctx, asks.map((a) => a.input));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    results = asks.map(() => ({ ok: false, error: new AppError('internal', message) }));
  }
  asks.forEach(({ r }, i) => {
    const res = results[i]!;
    if (!res.ok) {
      finished.push({ id: r.id, status: 'failed', proposalId: null, result: res.error.message });
      return;
    }
    madeNow.add(reactionKey(r));
    const p = res.outcome.proposal;
    const rejected = p.status === 'rejected';
    finished.push({ id: r.id, status: rejected ? 'rejected' : 'proposed', proposalId: p.id, result: p.rejectionReason ?? `proposal #${p.id} ${p.status}` });
    if (rejected) out.rejected++;
    else out.proposed++;
  });
  await finish(ctx.db, finished, now);
}

async function queuedCount(q: Queryable): Promise<number> {
  const r = await readThrough<{ n: number }>(q, `SELECT count(*)::int AS n FROM ops_agent_reactions WHERE status = 'queued'`, undefined, ['ops_agent_reactions']);
  return r.rows[0]?.n ?? 0;
}

/** Queued reactions read at a time: one chunk, decided in one transaction; the budget is checked between chunks. */
const REACTION_BATCH = 20;

/**
 * The oldest queued reactions with their source events, and whether the target agent already has a
 * proposal for that event (one statement for the batch instead of two per reaction): the batch is
 * cut first, so only its own events are looked up. One heartbeat at a time runs this (its lock), so
 * nothing else handles these rows meanwhile.
 */
async function queuedReactions(q: Queryable, limit: number, afterId: number): Promise<QueuedReaction[]> {
  const res = await q.query<QueuedReaction>(
    `SELECT r.id, r.target_agent AS "targetAgent", r.reaction_type AS "reactionType", r.source_event_id AS "sourceEventId", e.title, e.summary,
            h.handled IS NOT NULL AS handled
     FROM (SELECT id, target_agent, reaction_type, source_event_id FROM ops_agent_reactions WHERE status = 'queued' AND id > $1 ORDER BY id LIMIT ${Math.trunc(limit)}) r
     LEFT JOIN ops_agent_events e ON e.id = r.source_event_id
     -- LATERAL: one probe of the (source_ref, agent_id) index per reaction; as an EXISTS the
     -- planner of a prepared statement (not knowing the batch is small) hashed every proposal ever made
     LEFT JOIN LATERAL (SELECT true AS handled FROM ops_mission_proposals p WHERE p.source_ref = 'event:' || r.source_event_id AND p.agent_id = r.target_agent LIMIT 1) h ON true
     ORDER BY r.id`,
    [afterId],
  );
  return res.rows;
}

/** Marks reactions done, one statement for the chunk. */
async function finish(q: Queryable, rows: Finished[], now: string): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `UPDATE ops_agent_reactions r SET status = x.status, proposal_id = x.proposal_id, result = x.result, processed_at = $2
     FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, status text, proposal_id bigint, result text)
     WHERE r.id = ANY($3::bigint[]) AND r.id = x.id`, // ANY: found by primary key, not by reading every reaction ever queued
    [JSON.stringify(rows.map((f) => ({ id: f.id, status: f.status, proposal_id: f.proposalId, result: f.result.slice(0, 500) }))), now, rows.map((f) => f.id)],
  );
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
