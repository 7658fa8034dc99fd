import { isAppError, toAppError } from '../api/errors.js';
import type { Tx } from '../db/db.js';
import type { LlmService } from '../llm/llm-service.js';
import { writeMemory } from '../memory/store.js';
import { listAgents } from '../ops/agents.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy, getPolicy } from '../ops/policy.js';
import { isoNow } from '../ports/clock.js';
import { recordConversation } from '../relationships/store.js';
import { submitActionItems } from './action-items.js';
import { planDistillation } from './distill-rules.js';
import { distillPrompt, distillSchema, type DistillReply } from './distill-schema.js';
import { getFormat } from './formats.js';
import { CONVERSATION_COLUMNS, getTurns, type ConversationRow } from './queue.js';

/** Transcript lines sent to the distiller: all, then fewer when the model's context window is too small. */
const TRANSCRIPT_KEEP = [Number.POSITIVE_INFINITY, 6, 3];
/**
 * The longest distillation asked for (options.num_predict): 6 memories, the
 * pairs that changed and 3 action items fit in about 700 tokens of JSON; a
 * model that keeps writing past that is cut and asked again, shorter, instead
 * of filling its whole context window.
 */
const DISTILL_MAX_TOKENS = 1024;

export type DistillOutcome =
  | { status: 'done'; memories: number; drifts: number; actionItems: number }
  | { status: 'failed'; reason: string }
  | { status: 'skipped' | 'already' };

/** Marks a conversation this worker holds as finished, in the caller's transaction. */
async function finish(ctx: EngineCtx, tx: Tx, conv: ConversationRow, workerId: string | undefined): Promise<void> {
  if (!workerId) return;
  const res = await tx.query(
    `UPDATE ops_roundtable_queue SET status = 'succeeded', finished_at = $3, last_error = NULL WHERE id = $1 AND status = 'running' AND reserved_by = $2`,
    [conv.id, workerId, isoNow(ctx.clock)],
  );
  if (res.rowCount === 0) return;
  await writeEvent(ctx, tx, {
    kind: 'roundtable_finished',
    title: `${conv.slotName ?? 'Conversation'} finished: ${conv.format} on "${conv.topic}"`,
    summary: `With ${conv.participants.join(', ')}.`,
    tags: ['roundtable', conv.format, 'finished'],
    payload: { conversationId: conv.id },
  });
}

/** Marks the conversation finished (only while this worker holds it). */
export async function finishConversation(ctx: EngineCtx, conv: ConversationRow, workerId: string): Promise<void> {
  await ctx.db.transaction((tx) => finish(ctx, tx, conv, workerId));
}

/** Locks the row; null when its distillation already happened (a re-run does nothing). */
async function lockPending(tx: Tx, id: number): Promise<ConversationRow | null> {
  const res = await tx.query<ConversationRow>(`SELECT ${CONVERSATION_COLUMNS} FROM ops_roundtable_queue WHERE id = $1 FOR UPDATE`, [id]);
  const row = res.rows[0];
  return row && row.distillStatus === 'pending' ? row : null;
}

/**
 * Writes everything one distillation produced — memories (deduplicated by
 * source_trace_id, the 200-per-agent cap kept by the store), relationship
 * drifts and counters, action-item proposals — and marks it done, in ONE
 * transaction: all of it or none of it.
 */
export async function applyDistillation(ctx: EngineCtx, conversationId: number, reply: DistillReply, workerId?: string): Promise<DistillOutcome> {
  return ctx.db.transaction(async (tx) => {
    const conv = await lockPending(tx, conversationId);
    if (!conv) return { status: 'already' };
    const format = getFormat(conv.format);
    const drift = await getPolicy(tx, 'relationship_drift_policy');
    const plan = planDistillation(reply, {
      participants: conv.participants,
      actionItemsAllowed: format?.actionItemsAllowed ?? false,
      maxDrift: drift.max_drift,
      driftEnabled: drift.enabled,
    });
    const now = isoNow(ctx.clock);
    const memoryIds: number[] = [];
    for (const [n, m] of plan.memories.entries()) {
      const row = await writeMemory(
        tx,
        { ...m, tags: [...m.tags, 'roundtable', conv.format], sourceTraceId: `roundtable:${conv.id}:mem:${n}`, provenance: 'conversation' },
        now,
      );
      if (row) memoryIds.push(row.id);
    }
    const applied = await recordConversation(tx, conv.participants, plan.drifts, { conversationId: conv.id, now });
    const actions = await submitActionItems(ctx, tx, conv, plan.actionItems);
    const summary = { memoryIds, drifts: applied, actionItems: actions, dropped: plan.dropped };
    await tx.query(`UPDATE ops_roundtable_queue SET distill_status = 'done', distill = $2::jsonb WHERE id = $1`, [conv.id, JSON.stringify(summary)]);
    await writeEvent(ctx, tx, {
      kind: 'roundtable_distilled',
      title: `Conversation #${conv.id} left ${memoryIds.length} memories, ${applied.length} relationship changes, ${actions.filter((a) => a.proposalId).length} proposals`,
      summary: applied.map((d) => `${d.a}↔${d.b} ${d.drift > 0 ? '+' : ''}${d.drift.toFixed(2)} → ${d.to.toFixed(2)}`).join('; '),
      tags: ['roundtable', conv.format, 'distilled', 'memory'],
      payload: { conversationId: conv.id, ...summary },
    });
    await finish(ctx, tx, conv, workerId);
    return { status: 'done', memories: memoryIds.length, drifts: applied.length, actionItems: actions.filter((a) => a.proposalId).length };
  });
}

/** A distillation that could not be used: logged as distill_failed; nothing else is written. */
export async function markDistillFailed(ctx: EngineCtx, conversationId: number, reason: string, raw: string | null, workerId?: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const conv = await lockPending(tx, conversationId);
    if (!conv) return;
    await tx.query(`UPDATE ops_roundtable_queue SET distill_status = 'failed', distill = $2::jsonb WHERE id = $1`, [
      conv.id,
      JSON.stringify({ error: reason, raw: raw?.slice(0, 2000) ?? null }),
    ]);
    await writeEvent(ctx, tx, {
      kind: 'distill_failed',
      title: `Could not distill conversation #${conv.id} (${conv.format})`,
      summary: reason,
      tags: ['roundtable', conv.format, 'distill_failed'],
      payload: { conversationId: conv.id, raw: raw?.slice(0, 2000) ?? null },
    });
    await finish(ctx, tx, conv, workerId);
  });
}

/**
 * After a conversation: ONE structured LLM call (purpose "distill") for
 * memories, pairwise drift and action items, then the rules and one
 * transaction. (Only a model whose context window cannot hold the transcript
 * gets asked again, with its last lines.) An unusable reply (after the one
 * repair turn) or a failing write ends as distill_failed with nothing
 * half-written. LLM transport errors (unreachable, timeout, aborted) are
 * thrown for the worker to retry.
 */
export async function distillConversation(
  deps: { ctx: EngineCtx; llm: LlmService; signal?: AbortSignal },
  conv: ConversationRow,
  workerId?: string,
): Promise<DistillOutcome> {
  const { ctx, llm } = deps;
  const current = await ctx.db.query<{ distillStatus: string }>('SELECT distill_status AS "distillStatus" FROM ops_roundtable_queue WHERE id = $1', [conv.id]);
  if (current.rows[0]?.distillStatus !== 'pending') return { status: 'already' };
  const turns = await getTurns(ctx.db, conv.id);
  if (turns.length === 0) {
    await ctx.db.transaction(async (tx) => {
      const row = await lockPending(tx, conv.id);
      if (!row) return;
      await tx.query(`UPDATE ops_roundtable_queue SET distill_status = 'skipped' WHERE id = $1`, [conv.id]);
      await finish(ctx, tx, row, workerId);
    });
    return { status: 'skipped' };
  }
  const format = getFormat(conv.format);
  if (!format) {
    await markDistillFailed(ctx, conv.id, `Unknown format "${conv.format}".`, null, workerId);
    return { status: 'failed', reason: 'unknown format' };
  }
  const agents = (await listAgents(ctx.db)).filter((a) => conv.participants.includes(a.id));
  const maxDrift = (await cachedPolicy(ctx, 'relationship_drift_policy')).max_drift;
  let reply: DistillReply | null = null;
  // a model with a small context window gets the most recent part of a long conversation
  for (const keep of TRANSCRIPT_KEEP) {
    const transcript = turns.slice(-keep);
    const prompt = distillPrompt({ conversationId: conv.id, format, topic: conv.topic, participants: agents, transcript, maxDrift, omitted: turns.length - transcript.length });
    try {
      const res = await llm.chatStructured(
        { agentId: null, purpose: 'distill', conversationId: conv.id },
        { system: prompt.system, messages: [{ role: 'user', content: prompt.user }], temperature: 0.2, maxTokens: DISTILL_MAX_TOKENS, ...(deps.signal ? { signal: deps.signal } : {}) },
        distillSchema(conv.participants),
      );
      reply = res.value;
      break;
    } catch (err) {
      if (!isAppError(err)) throw err;
      if (err.code === 'llm_context_truncated' && keep !== TRANSCRIPT_KEEP.at(-1)) continue;
      if (err.code === 'llm_invalid_output' || err.code === 'llm_context_truncated') {
        const raw = typeof err.details?.['raw'] === 'string' ? (err.details['raw'] as string) : null;
        await markDistillFailed(ctx, conv.id, err.message, raw, workerId);
        return { status: 'failed', reason: err.message };
      }
      throw err;
    }
  }
  if (!reply) throw new Error('unreachable: no distillation reply');
  try {
    return await applyDistillation(ctx, conv.id, reply, workerId);
  } catch (err) {
    if (deps.signal?.aborted) throw err;
    const e = toAppError(err);
    await markDistillFailed(ctx, conv.id, `The distillation could not be saved: ${e.message}`, JSON.stringify(reply), workerId);
    return { status: 'failed', reason: e.message };
  }
}
