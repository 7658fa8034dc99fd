import type { ZodType } from 'zod';
import { AppError, isAppError, type ErrorCode } from '../api/errors.js';
import type { EngineCtx } from '../ops/ctx.js';
import type { StepRow } from '../ops/missions.js';
import { backoffMs, type StepFailure, type StepSuccess } from './steps.js';

export interface StepContext {
  ctx: EngineCtx;
  step: StepRow;
  /** The agent whose mission this is. */
  agentId: string;
  /** Aborted when the worker stops or loses the step's lease. */
  signal: AbortSignal;
}

export interface Executor {
  kind: string;
  /** What a step of this kind takes; the Give task form is drawn from it (steps.kinds). */
  payloadSchema?: ZodType;
  /**
   * Optional readiness probe, asked before claiming: when it says no (say, no
   * Ollama host is reachable), steps stay queued and the worker pauses.
   */
  ready?(ctx: EngineCtx): Promise<{ ok: true } | { ok: false; reason: string; retryInMs: number }>;
  run(sc: StepContext): Promise<StepSuccess>;
}

/** Step kind → executor. Kinds with no executor stay queued and show up in runtime.status. */
export class ExecutorRegistry {
  private readonly map = new Map<string, Executor>();

  register(...executors: Executor[]): this {
    for (const e of executors) this.map.set(e.kind, e);
    return this;
  }
  get(kind: string): Executor | undefined {
    return this.map.get(kind);
  }
  kinds(): string[] {
    return [...this.map.keys()].sort();
  }
}

const fatalCodes = new Set<ErrorCode>([
  'invalid_input',
  'not_found',
  'rejected',
  'forbidden',
  'not_configured',
  'crawl_refused',
  'llm_model_not_found',
  'llm_context_truncated',
  'effect_uncertain',
]);
const pauseCodes = new Set<ErrorCode>(['llm_unreachable', 'llm_queue_full', 'unavailable', 'budget_exhausted']);

/** How a thrown error affects its step: retried with backoff, failed for good, or paused. */
export function classifyFailure(
  err: unknown,
  step: StepRow,
  retry: { backoff_base_seconds: number; backoff_max_seconds: number },
  pauseMs: number,
): StepFailure {
  if (err instanceof Error && err.name === 'AbortError') {
    return { mode: 'pause', code: 'aborted', message: 'The worker stopped before the step finished.', delayMs: 0 };
  }
  const app = isAppError(err) ? err : null;
  const code = app?.code ?? 'internal';
  const message = err instanceof Error ? err.message : String(err);
  if (app && pauseCodes.has(app.code)) {
    // a held budget says when to look again (raising the budget releases the step sooner)
    const retryInMs = app.details?.['retryInMs'];
    return { mode: 'pause', code, message, delayMs: typeof retryInMs === 'number' ? retryInMs : pauseMs };
  }
  if (app && fatalCodes.has(app.code)) return { mode: 'fatal', code, message, delayMs: 0 };
  return { mode: 'retry', code, message, delayMs: backoffMs(step.attempts, retry.backoff_base_seconds, retry.backoff_max_seconds) };
}

/** A step whose payload does not fit its executor's schema fails at once with a readable reason. */
export function badPayload(kind: string, why: string): AppError {
  return new AppError('invalid_input', `The ${kind} step's payload is not valid: ${why}.`);
}
