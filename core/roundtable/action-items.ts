import { lockKey, type Tx } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { getPolicy } from '../ops/policy.js';
import { createProposalAndMaybeAutoApprove } from '../ops/proposal-service.js';
import { iso, startOfDay } from '../ops/time.js';
import type { KeptActionItem } from './distill-rules.js';
import { ctxInTx } from './tx-ctx.js';

const ACTION_LOCK = lockKey('emtesseract:roundtable-action-items');

export interface SubmittedActionItem {
  title: string;
  agentId: string;
  proposalId: number | null;
  status: 'accepted' | 'pending' | 'rejected' | 'over_daily_limit' | 'already_submitted';
}

/**
 * Action items of a formal conversation (standup, war room, brainstorm)
 * become proposals — through the proposal service like every proposal, so
 * every gate applies — at most roundtable_policy.max_action_items_per_day
 * (3) per day across all conversations. Runs inside the distillation's
 * transaction; the source_ref makes a re-run submit nothing twice.
 */
export async function submitActionItems(
  ctx: EngineCtx,
  tx: Tx,
  conv: { id: number; format: string; topic: string },
  items: readonly KeptActionItem[],
): Promise<SubmittedActionItem[]> {
  if (items.length === 0) return [];
  await tx.query('SELECT pg_advisory_xact_lock($1)', [ACTION_LOCK]);
  const policy = await getPolicy(tx, 'roundtable_policy');
  const tz = (await getPolicy(tx, 'timezone')).name;
  const used = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_mission_proposals WHERE source = 'roundtable' AND created_at >= $1`, [
    iso(startOfDay(ctx.clock.now(), tz)),
  ]);
  let left = policy.max_action_items_per_day - (used.rows[0]?.n ?? 0);
  const inTx = ctxInTx(ctx, tx);
  const out: SubmittedActionItem[] = [];
  for (const [n, item] of items.entries()) {
    const sourceRef = `roundtable:${conv.id}:action:${n}`;
    const dup = await tx.query("SELECT 1 FROM ops_mission_proposals WHERE source = 'roundtable' AND source_ref = $1", [sourceRef]);
    if (dup.rows.length) {
      out.push({ title: item.title, agentId: item.agentId, proposalId: null, status: 'already_submitted' });
      continue;
    }
    if (left <= 0) {
      out.push({ title: item.title, agentId: item.agentId, proposalId: null, status: 'over_daily_limit' });
      continue;
    }
    left--;
    const res = await createProposalAndMaybeAutoApprove(inTx, {
      agentId: item.agentId,
      title: item.title,
      description: `Action item from the ${conv.format.replace(/_/g, ' ')} #${conv.id} on "${conv.topic}".`,
      steps: [{ kind: item.stepKind, payload: { topic: item.title } }],
      source: 'roundtable',
      sourceRef,
    });
    out.push({ title: item.title, agentId: item.agentId, proposalId: res.proposal.id, status: res.proposal.status });
  }
  return out;
}
