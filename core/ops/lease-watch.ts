import type { EngineCtx } from './ctx.js';
import { cachedPolicy } from './policy.js';
import { recoverStaleSteps } from './recovery.js';

/**
 * How a running step's lease works (heartbeat_policy.stale_step_minutes, 30 seconds by
 * default): its worker renews it every quarter of that, and a step not renewed for the whole
 * of it lost its worker (a killed process, a machine gone). The lease watch looks for such
 * steps every quarter too, so another worker takes a step within about 1.25 leases of its
 * worker dying — not at the next heartbeat, minutes later.
 */
export async function leaseQuarterMs(ctx: EngineCtx): Promise<number> {
  const hb = await cachedPolicy(ctx, 'heartbeat_policy');
  return Math.max(1000, (hb.stale_step_minutes * 60_000) / 4);
}

/**
 * Runs stale-step recovery every quarter lease on the clock until the returned stop is
 * called. Where several processes share a PostgreSQL server, each may run one: recovery
 * locks the rows it takes (SKIP LOCKED), so two never take the same step.
 */
export function startLeaseWatch(ctx: EngineCtx): () => void {
  let cancel: (() => void) | null = null;
  let stopped = false;
  const schedule = async (): Promise<void> => {
    const ms = await leaseQuarterMs(ctx).catch(() => 15_000);
    if (stopped) return;
    cancel = ctx.clock.setTimer(ms, async () => {
      try {
        const r = await recoverStaleSteps(ctx);
        if (r.requeued || r.failed) ctx.log.info(`Lease watch: ${r.requeued} step(s) handed to another worker, ${r.failed} failed`);
      } catch (err) {
        ctx.log.warn('The lease watch could not look for stale steps; it tries again', { error: err instanceof Error ? err.message : String(err) });
      }
      await schedule();
    });
  };
  void schedule();
  return () => {
    stopped = true;
    cancel?.();
  };
}
