/**
 * "Never acts twice": an executor wraps each external effect of a step (a post,
 * a call into someone else's system) in `once(sc, key, fn)`. The intent is
 * recorded before acting and the result after, in ops_step_effects:
 * - a re-run of the step (after a crash, a lost lease, a retry) that finds the
 *   result returns it instead of acting again;
 * - a re-run that finds an intent without a result does not know whether the
 *   effect happened. With a `lookup` (the other system can be asked by the
 *   idempotency key) it asks; without one the step fails for good with
 *   `effect_uncertain` — "may already have happened, check" — never a silent double.
 */
import type { z } from 'zod';
import { AppError } from '../api/errors.js';
import type { Queryable } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import type { StepContext } from './executor.js';

export interface EffectOptions<T> {
  /**
   * Asks the other system whether the effect with this idempotency key already
   * happened: its result if so, undefined if not. Used only to settle an intent
   * left without a result.
   */
  lookup?: (idempotencyKey: string) => Promise<T | undefined>;
  /** Validates a stored result on replay (it comes back from jsonb). */
  schema?: z.ZodType<T>;
  /**
   * Whether an error thrown by `fn` may mean the effect happened anyway (a
   * timeout after sending). Default: no — a throw means nothing happened, the
   * intent is withdrawn and a retry may act.
   */
  mayHaveActed?: (err: unknown) => boolean;
}

interface EffectRow {
  status: 'intent' | 'done';
  result: unknown;
  worker: string;
  attempt: number;
  startedAt: string;
}

/** The idempotency key an effect carries to the other system (stable across re-runs of the step). */
export function idempotencyKey(stepId: number, key: string): string {
  return `emt-step-${stepId}-${key}`;
}

/** Runs `fn` at most once for (step, key) across every re-run of the step; see the file comment. */
export async function once<T>(sc: StepContext, key: string, fn: (idempotencyKey: string) => Promise<T>, opts: EffectOptions<T> = {}): Promise<T> {
  const { ctx, step } = sc;
  const idem = idempotencyKey(step.id, key);
  const prior = await readEffect(ctx.db, step.id, key);
  if (prior?.status === 'done') return replay(prior.result, opts);
  if (prior) {
    if (!opts.lookup) throw uncertain(sc, key, prior);
    const found = await opts.lookup(idem);
    if (found !== undefined) {
      await finish(sc, key, found);
      ctx.log.info(`Step ${step.id}: "${key}" had already happened (found by its idempotency key); not acting again.`);
      return found;
    }
    // The other system says it did not happen: this attempt takes the intent over.
    if (!(await claimIntent(sc, key, true))) throw lostLease(sc);
  } else if (!(await claimIntent(sc, key, false))) {
    const raced = await readEffect(ctx.db, step.id, key);
    if (raced?.status === 'done') return replay(raced.result, opts);
    throw raced ? uncertain(sc, key, raced) : lostLease(sc);
  }
  let value: T;
  try {
    value = await fn(idem);
  } catch (err) {
    if (!opts.mayHaveActed?.(err)) {
      await ctx.db.query(`DELETE FROM ops_step_effects WHERE step_id = $1 AND key = $2 AND status = 'intent'`, [step.id, key]).catch(() => {});
    }
    throw err;
  }
  await finish(sc, key, value);
  return value;
}

async function readEffect(q: Queryable, stepId: number, key: string): Promise<EffectRow | null> {
  const res = await q.query<EffectRow>(
    `SELECT status, result, worker, attempt, started_at AS "startedAt" FROM ops_step_effects WHERE step_id = $1 AND key = $2`,
    [stepId, key],
  );
  return res.rows[0] ?? null;
}

/**
 * Records (or takes over) the intent, only while the step is still as this run
 * was handed it (for a worker: running and reserved by it). A worker that lost
 * its step's lease must not act for it.
 */
async function claimIntent(sc: StepContext, key: string, takeOver: boolean): Promise<boolean> {
  const { ctx, step } = sc;
  const params = [step.id, key, ctx.processId, Math.max(1, step.attempts), isoNow(ctx.clock), step.status, step.reservedBy];
  const held = `EXISTS (SELECT 1 FROM ops_mission_steps WHERE id = $1 AND status = $6 AND reserved_by IS NOT DISTINCT FROM $7::text)`;
  const res = takeOver
    ? await ctx.db.query(
        `UPDATE ops_step_effects SET worker = $3, attempt = $4, started_at = $5 WHERE step_id = $1 AND key = $2 AND status = 'intent' AND ${held}`,
        params,
      )
    : await ctx.db.query(
        `INSERT INTO ops_step_effects (step_id, key, status, worker, attempt, started_at)
         SELECT $1, $2, 'intent', $3, $4, $5 WHERE ${held}
         ON CONFLICT (step_id, key) DO NOTHING`,
        params,
      );
  return res.rowCount > 0;
}

async function finish(sc: StepContext, key: string, value: unknown): Promise<void> {
  await sc.ctx.db.query(
    `UPDATE ops_step_effects SET status = 'done', result = $3::jsonb, finished_at = $4 WHERE step_id = $1 AND key = $2`,
    [sc.step.id, key, JSON.stringify(value ?? null), isoNow(sc.ctx.clock)],
  );
}

function replay<T>(stored: unknown, opts: EffectOptions<T>): T {
  if (!opts.schema) return stored as T;
  const parsed = opts.schema.safeParse(stored);
  if (!parsed.success) throw new AppError('internal', 'A recorded effect result no longer fits its schema; the step does not act again.');
  return parsed.data;
}

function uncertain(sc: StepContext, key: string, row: EffectRow): AppError {
  return new AppError(
    'effect_uncertain',
    `The ${sc.step.kind} step's "${key}" may already have happened: attempt ${row.attempt} (worker ${row.worker}) started it at ${row.startedAt} and stopped before recording the result. ` +
      'Check whether it happened before running it again; it is not retried automatically.',
    { stepId: sc.step.id, key, worker: row.worker, attempt: row.attempt, startedAt: row.startedAt },
  );
}

function lostLease(sc: StepContext): AppError {
  return new AppError('conflict', `Step ${sc.step.id} is no longer held by this worker; it does not act for it.`);
}
