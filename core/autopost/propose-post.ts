import { getPolicy } from '../ops/policy.js';
import type { EngineCtx, EventHook, EventShape } from '../ops/ctx.js';
import { createProposalAndMaybeAutoApprove } from '../ops/proposal-service.js';
import { ctxInTx } from '../roundtable/tx-ctx.js';
import type { Queryable, Tx } from '../db/db.js';
import { writeEvent, type EventRow } from '../ops/events.js';
import { postKindFor } from './autopost-policy.js';

const platformName = { bluesky: 'Bluesky', x: 'X' } as const;

const isDraftWritten = (ev: EventShape): boolean => ev.kind === 'step_succeeded' && ev.tags.includes('draft_tweet') && !!ev.agentId;

/**
 * When a draft is written (a draft_tweet step succeeded) and autopost_policy
 * is on, the drafting agent proposes posting it on each configured platform —
 * through the proposal service, so post kinds that are not auto-approved
 * wait in the approval inbox. Runs in the transaction that finished the step.
 */
const proposePost = async (ctx: EngineCtx, q: Queryable, ev: EventRow): Promise<void> => {
  if (!isDraftWritten(ev) || !ev.stepId || !ev.agentId) return;
  const policy = await getPolicy(q, 'autopost_policy');
  if (!policy.enabled || policy.platforms.length === 0) return;
  const step = await q.query<{ result: { artifactId?: number; text?: string } | null }>('SELECT result FROM ops_mission_steps WHERE id = $1', [ev.stepId]);
  const draft = step.rows[0]?.result;
  if (!draft?.artifactId) return;
  const tx = q as Tx;
  for (const platform of policy.platforms) {
    const sourceRef = `autopost:draft:${draft.artifactId}:${platform}`;
    const dup = await q.query("SELECT 1 FROM ops_mission_proposals WHERE source = 'system' AND source_ref = $1", [sourceRef]);
    if (dup.rows.length) continue;
    const snippet = (draft.text ?? '').replace(/\s+/g, ' ').slice(0, 80);
    const out = await createProposalAndMaybeAutoApprove(ctxInTx(ctx, tx), {
      agentId: ev.agentId,
      title: `Post to ${platformName[platform]}: ${snippet || `draft #${draft.artifactId}`}`.slice(0, 300),
      description: draft.text ?? '',
      steps: [{ kind: postKindFor[platform], payload: { draftArtifactId: draft.artifactId } }],
      source: 'system',
      sourceRef,
    });
    if (out.proposal.status === 'pending') {
      await writeEvent(ctx, q, {
        agentId: ev.agentId,
        kind: 'post_awaiting_approval',
        title: `A post to ${platformName[platform]} waits for your yes`,
        summary: draft.text ?? '',
        tags: ['autopost', 'inbox', 'notification', platform],
        proposalId: out.proposal.id,
        payload: { proposalId: out.proposal.id, draftArtifactId: draft.artifactId, platform },
      });
    }
  }
};

/** `wants` says so without I/O: other steps complete in one statement, without a transaction. */
export const proposePostOnDraft: EventHook = Object.assign(proposePost, { wants: async (_ctx: EngineCtx, ev: EventShape) => isDraftWritten(ev) });
