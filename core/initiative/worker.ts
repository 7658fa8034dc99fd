import { z } from 'zod';
import { isAppError, toAppError } from '../api/errors.js';
import { agentSystemPrompt } from '../executors/prompts.js';
import type { LlmService } from '../llm/llm-service.js';
import { queryMemories } from '../memory/store.js';
import { deriveVoiceModifiers } from '../memory/voice.js';
import { getAgent } from '../ops/agents.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import { createProposalAndMaybeAutoApprove } from '../ops/proposal-service.js';
import { isoNow } from '../ports/clock.js';
import { keepLease, type TickResult } from '../roundtable/queue-loop.js';
import { ctxInTx } from '../roundtable/tx-ctx.js';
import { claimInitiative, failInitiative, releaseInitiative, renewInitiativeLease, type InitiativeRow } from './queue.js';

export const INITIATIVE_STEP_KINDS = ['analyze', 'write_content', 'draft_tweet'] as const;

export const initiativeSchema = z.object({
  proposals: z
    .array(
      z.object({
        title: z.string().max(200),
        description: z.string().max(500),
        step_kind: z.union([z.enum(INITIATIVE_STEP_KINDS), z.literal('unknown')]).catch('unknown'),
        topic: z.string().max(200),
      }),
    )
    .max(3),
});

export interface InitiativeDeps {
  ctx: EngineCtx;
  llm: LlmService;
  workerId: string;
}

/**
 * Generates an agent's own proposals from what it has learned (one
 * structured call, purpose "initiative") and submits them through the
 * proposal service with source "initiative" — every gate applies. The
 * submissions and the queue row's end are one transaction.
 */
export async function runInitiative(deps: InitiativeDeps, row: InitiativeRow, signal: AbortSignal): Promise<void> {
  const { ctx, llm } = deps;
  const agent = await getAgent(ctx.db, row.agentId);
  if (!agent || !agent.enabled) return failInitiative(ctx, row, deps.workerId, `${row.agentId} is missing or turned off.`, true);
  const policy = await cachedPolicy(ctx, 'initiative_policy');
  const memories = await queryMemories(ctx.db, { agentId: agent.id, minConfidence: policy.high_confidence, limit: 10 });
  const lessons = await queryMemories(ctx.db, { agentId: agent.id, types: ['lesson', 'strategy'], minConfidence: 0.6, limit: 5 });
  const seen = new Set(memories.map((m) => m.id));
  const system = agentSystemPrompt(agent, {
    modifiers: (await deriveVoiceModifiers(ctx.db, agent.id)).modifiers,
    memories: [...memories, ...lessons.filter((m) => !seen.has(m.id))],
    task:
      `Propose up to ${policy.max_proposals} pieces of work you think the team should do next, based on what you have learned. ` +
      `Each has a short title, a one-sentence description, a step_kind (${INITIATIVE_STEP_KINDS.join(', ')}) and a topic. Answer with JSON only.`,
  });
  let value: z.infer<typeof initiativeSchema>;
  try {
    const res = await llm.chatStructured(
      { agentId: agent.id, purpose: 'initiative' },
      { system, messages: [{ role: 'user', content: 'What should we do next? Propose concrete work.' }], temperature: 0.7, signal },
      initiativeSchema,
    );
    value = res.value;
  } catch (err) {
    if (isAppError(err) && err.code === 'llm_invalid_output') return failInitiative(ctx, row, deps.workerId, err.message, true);
    throw err;
  }
  const ideas = value.proposals
    .map((p) => ({ ...p, title: p.title.replace(/\s+/g, ' ').trim(), topic: p.topic.replace(/\s+/g, ' ').trim() }))
    .filter((p) => p.title && p.step_kind !== 'unknown')
    .slice(0, policy.max_proposals);
  await ctx.db.transaction(async (tx) => {
    const held = await tx.query(`SELECT 1 FROM ops_initiative_queue WHERE id = $1 AND status = 'running' AND reserved_by = $2 FOR UPDATE`, [
      row.id,
      deps.workerId,
    ]);
    if (!held.rows.length) return;
    const inTx = ctxInTx(ctx, tx);
    const submitted: { proposalId: number; status: string; title: string }[] = [];
    for (const [n, p] of ideas.entries()) {
      const sourceRef = `initiative:${row.id}:${n}`;
      const dup = await tx.query("SELECT 1 FROM ops_mission_proposals WHERE source = 'initiative' AND source_ref = $1", [sourceRef]);
      if (dup.rows.length) continue;
      const out = await createProposalAndMaybeAutoApprove(inTx, {
        agentId: agent.id,
        title: p.title,
        description: p.description.trim(),
        steps: [{ kind: p.step_kind, payload: { topic: p.topic || p.title } }],
        source: 'initiative',
        sourceRef,
      });
      submitted.push({ proposalId: out.proposal.id, status: out.proposal.status, title: p.title });
    }
    await tx.query(`UPDATE ops_initiative_queue SET status = 'succeeded', finished_at = $2, result = $3::jsonb, last_error = NULL WHERE id = $1`, [
      row.id,
      isoNow(ctx.clock),
      JSON.stringify({ submitted, offered: value.proposals.length }),
    ]);
    await writeEvent(ctx, tx, {
      agentId: agent.id,
      kind: 'initiative_done',
      title: `${agent.displayName} proposed ${submitted.length} piece(s) of work`,
      summary: submitted.map((s) => `${s.title} (${s.status})`).join('; '),
      tags: ['initiative', 'done'],
      payload: { initiativeId: row.id, submitted },
    });
  });
}

export async function runNextInitiative(deps: InitiativeDeps, signal: AbortSignal): Promise<TickResult> {
  const { ctx, llm, workerId } = deps;
  const ready = await llm.ready();
  if (!ready.ok) return { next: 'pause', ms: ready.retryInMs, reason: ready.reason };
  const row = await claimInitiative(ctx, workerId);
  if (!row) return { next: 'idle' };
  const ac = new AbortController();
  const onAbort = (): void => ac.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await keepLease(ctx, () => renewInitiativeLease(ctx, row.id, workerId), () => ac.abort(), () => runInitiative(deps, row, ac.signal));
  } catch (err) {
    const e = toAppError(err);
    if (ac.signal.aborted || e.code === 'llm_aborted' || (err instanceof Error && err.name === 'AbortError')) {
      await releaseInitiative(ctx, row.id, workerId, 'Interrupted; it will run again.');
    } else if (e.code === 'llm_unreachable') {
      await releaseInitiative(ctx, row.id, workerId, e.message);
      return { next: 'pause', ms: 15_000, reason: e.message };
    } else if (e.code === 'budget_exhausted') {
      await releaseInitiative(ctx, row.id, workerId, e.message);
      const retry = e.details?.['retryInMs'];
      return { next: 'pause', ms: typeof retry === 'number' ? retry : 60_000, reason: e.message };
    } else {
      await failInitiative(ctx, row, workerId, e.message);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return { next: 'again' };
}
