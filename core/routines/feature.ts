import type { z } from 'zod';
import type { autonomyCalls } from '../api/autonomy-calls.js';
import { AppError } from '../api/errors.js';
import type { FeatureEnv } from '../feature.js';
import type { HeartbeatJob } from '../ops/heartbeat.js';
import { getAgent } from '../ops/agents.js';
import { cachedPolicy } from '../ops/policy.js';
import { iso } from '../ops/time.js';
import { isoNow } from '../ports/clock.js';
import type { Executor } from '../workers/executor.js';
import { briefingExecutor } from './briefing.js';
import { consolidateExecutor } from './consolidate.js';
import { nextDue, runDueRoutines, runRoutineNow } from './runner.js';
import { nextSlot } from './slots.js';
import { getRoutine, listRoutines, routineHistory, seedRoutineRows, type Routine } from './store.js';

type C = typeof autonomyCalls;
type Out<K extends keyof C> = z.output<C[K]['output']>;

/**
 * Routines: time-of-day jobs per agent. A timer on the Clock wakes exactly at
 * the next due time; the heartbeat looks too (another process, a lost timer);
 * start-up catches up on what was due while the app was closed.
 */
export function routinesPart(env: FeatureEnv) {
  const { ctx, llm } = env;
  let cancel: (() => void) | null = null;
  let running = false;

  const withNext = async (r: Routine): Promise<Out<'routines.list'>[number]> => {
    const tz = (await cachedPolicy(ctx, 'timezone')).name;
    const n = nextSlot(r, Math.max(Date.parse(r.handledUntil), ctx.clock.now()), tz);
    return { ...r, nextRunAt: n === null ? null : iso(n) };
  };
  const tick = async (): Promise<void> => {
    try {
      await runDueRoutines(ctx);
    } catch (err) {
      ctx.log.error('Routines could not run', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  const arm = async (): Promise<void> => {
    cancel?.();
    cancel = null;
    if (!running) return;
    const next = await nextDue(ctx);
    if (next === null) return;
    cancel = ctx.clock.setTimer(Math.max(0, next - ctx.clock.now()), async () => {
      cancel = null;
      await tick();
      await arm();
    });
  };

  const executors: Executor[] = [consolidateExecutor, ...(llm ? [briefingExecutor(llm)] : [])];
  const heartbeatJobs: HeartbeatJob[] = [{ name: 'run_routines', run: (c) => runDueRoutines(c) }];
  const handlers = {
    'routines.list': async (): Promise<Out<'routines.list'>> => Promise.all((await listRoutines(ctx.db)).map(withNext)),
    'routines.update': async (input: z.output<C['routines.update']['input']>): Promise<Out<'routines.update'>> => {
      const r = await getRoutine(ctx.db, input.id);
      if (!r) throw new AppError('not_found', `There is no routine #${input.id}.`);
      if (input.agentId && !(await getAgent(ctx.db, input.agentId))) throw new AppError('not_found', `There is no agent "${input.agentId}".`);
      const now = isoNow(ctx.clock);
      const moved = (input.timeOfDay && input.timeOfDay !== r.timeOfDay) || (input.days && input.days.join() !== r.days.join()) || (input.enabled && !r.enabled);
      await ctx.db.query(
        `UPDATE ops_routines SET time_of_day = $2, days = $3::int[], agent_id = $4, prompt = $5, enabled = $6, updated_at = $7,
           handled_until = CASE WHEN $8::boolean THEN greatest(handled_until, $7::timestamptz) ELSE handled_until END
         WHERE id = $1`,
        [r.id, input.timeOfDay ?? r.timeOfDay, input.days ?? r.days, input.agentId ?? r.agentId, input.prompt ?? r.prompt, input.enabled ?? r.enabled, now, !!moved],
      );
      await arm();
      return withNext((await getRoutine(ctx.db, r.id)) as Routine);
    },
    'routines.runNow': async ({ id }: { id: number }): Promise<Out<'routines.runNow'>> => {
      const r = await getRoutine(ctx.db, id);
      if (!r) throw new AppError('not_found', `There is no routine #${id}.`);
      return runRoutineNow(ctx, r);
    },
    'routines.history': ({ id, limit }: { id?: number | undefined; limit?: number | undefined }) => routineHistory(ctx.db, id, limit ?? 100),
  };
  return {
    seed: seedRoutineRows,
    executors,
    heartbeatJobs,
    handlers,
    async start(): Promise<void> {
      running = true;
      await tick(); // what was due while the app was closed runs once, now
      await arm();
    },
    stop(): void {
      running = false;
      cancel?.();
      cancel = null;
    },
  };
}
