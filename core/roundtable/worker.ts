import { toAppError } from '../api/errors.js';
import type { LlmService } from '../llm/llm-service.js';
import type { EngineCtx } from '../ops/ctx.js';
import { cachedPolicy } from '../ops/policy.js';
import { LeaseLostError, runConversation } from './orchestrator.js';
import { claimConversation, releaseConversation, retryOrFail } from './queue.js';
import type { TickResult } from './queue-loop.js';

/** How often the worker looks for conversations queued by other processes. */
export const ROUNDTABLE_POLL_MS = 30_000;

export interface RoundtableWorkerDeps {
  ctx: EngineCtx;
  llm: LlmService;
  seed: number;
  workerId: string;
}

function isAbort(err: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  if (err instanceof Error && err.name === 'AbortError') return true;
  return toAppError(err).code === 'llm_aborted';
}

/**
 * One round of the roundtable worker: while conversations are on and a model
 * host answers, claim the oldest due conversation and run it to its end. No
 * host: the conversation goes back to the queue (no attempt used) and the
 * worker pauses. Other failures retry while attempts remain.
 */
export async function runNextConversation(deps: RoundtableWorkerDeps, signal: AbortSignal): Promise<TickResult> {
  const { ctx, llm, workerId } = deps;
  if (!(await cachedPolicy(ctx, 'roundtable_policy')).enabled) return { next: 'idle' };
  const ready = await llm.ready();
  if (!ready.ok) return { next: 'pause', ms: ready.retryInMs, reason: ready.reason };
  const conv = await claimConversation(ctx, workerId);
  if (!conv) return { next: 'idle' };
  try {
    await runConversation({ ...deps, signal }, conv);
    return { next: 'again' };
  } catch (err) {
    if (err instanceof LeaseLostError) return { next: 'again' };
    if (isAbort(err, signal)) {
      await releaseConversation(ctx, conv.id, workerId, 'Interrupted; it continues where it stopped.');
      return { next: 'again' };
    }
    const e = toAppError(err);
    if (e.code === 'llm_unreachable') {
      await releaseConversation(ctx, conv.id, workerId, e.message);
      const policy = await cachedPolicy(ctx, 'llm_policy');
      return { next: 'pause', ms: policy.health_check_seconds * 1000, reason: e.message };
    }
    if (e.code === 'budget_exhausted') {
      // no speaker may talk (or the distillation may not run) within the budget: the conversation waits, nothing is lost
      await releaseConversation(ctx, conv.id, workerId, e.message);
      const retry = e.details?.['retryInMs'];
      return { next: 'pause', ms: typeof retry === 'number' ? retry : 60_000, reason: e.message };
    }
    await retryOrFail(ctx, conv, workerId, e.message);
    return { next: 'again' };
  }
}
