/**
 * The handlers of runtime.pause, runtime.resume and agents.setPaused. A
 * resume wakes every loop at once (each step kind's dispatcher, the
 * conversation and initiative loops), so work starts again without waiting
 * for a poll and without a restart.
 */
import type { Handlers } from '../api/contract.js';
import { INITIATIVE_WAKE } from '../initiative/queue.js';
import { ROUNDTABLE_WAKE } from '../roundtable/queue.js';
import type { ExecutorRegistry } from '../workers/executor.js';
import type { EngineCtx } from './ctx.js';
import { setAgentPaused, setCompanyPaused } from './pause.js';

type PauseCalls = 'runtime.pause' | 'runtime.resume' | 'agents.setPaused';

export function pauseHandlers(ctx: EngineCtx, registry: ExecutorRegistry): Pick<Handlers, PauseCalls> {
  const wakeAll = (): void => {
    for (const kind of registry.kinds()) ctx.bus.wake(kind);
    ctx.bus.wake(ROUNDTABLE_WAKE);
    ctx.bus.wake(INITIATIVE_WAKE);
  };
  return {
    'runtime.pause': ({ reason }) => setCompanyPaused(ctx, true, { ...(reason ? { reason } : {}), by: 'user' }),
    'runtime.resume': async () => {
      const state = await setCompanyPaused(ctx, false);
      wakeAll();
      return state;
    },
    'agents.setPaused': async ({ id, paused, reason }) => {
      const state = await setAgentPaused(ctx, id, paused, reason || undefined);
      if (!paused) wakeAll();
      return state;
    },
  };
}
