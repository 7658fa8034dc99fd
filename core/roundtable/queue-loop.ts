import type { EngineCtx } from '../ops/ctx.js';
import { currentPause } from '../ops/pause.js';

export type TickResult = { next: 'again' } | { next: 'idle' } | { next: 'pause'; ms: number; reason: string };

/**
 * A queue consumer: runs `tick` one item at a time; when the queue is empty
 * it waits `pollMs` on the Clock (the fallback for rows queued by other
 * processes) unless woken in-process by `wakeKey` on the bus; it pauses as
 * long as `tick` asks (no LLM host). stop() aborts the running item and
 * waits for the loop to end.
 */
export class QueueLoop {
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private woken = false;
  private sleeper: AbortController | null = null;
  private current: AbortController | null = null;
  private unsubscribe: (() => void) | null = null;
  paused: { reason: string; until: number } | null = null;

  constructor(
    private readonly ctx: EngineCtx,
    private readonly name: string,
    private readonly wakeKey: string,
    private readonly pollMs: number,
    private readonly tick: (signal: AbortSignal) => Promise<TickResult>,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.ctx.bus.onWake((key) => {
      if (key === this.wakeKey) this.wake();
    });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.current?.abort();
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.woken = true;
    this.sleeper?.abort();
  }

  private async idle(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    const ac = new AbortController();
    this.sleeper = ac;
    try {
      await this.ctx.clock.sleep(ms, ac.signal);
    } catch {
      // woken
    } finally {
      this.sleeper = null;
      this.woken = false;
    }
  }

  private async run(): Promise<void> {
    const { ctx } = this;
    while (this.running) {
      const ac = new AbortController();
      this.current = ac;
      try {
        // A paused company takes no new conversation or initiative (ops/pause.ts); resume wakes the loop.
        if ((await currentPause(ctx)).paused) {
          await this.idle(this.pollMs);
          continue;
        }
        const out = await this.tick(ac.signal);
        if (!this.running) break;
        if (out.next === 'pause') {
          if (!this.paused) ctx.log.warn(`${this.name} paused: ${out.reason}`);
          this.paused = { reason: out.reason, until: ctx.clock.now() + out.ms };
          await this.idle(out.ms);
          continue;
        }
        if (this.paused) ctx.log.info(`${this.name} resumed.`);
        this.paused = null;
        if (out.next === 'idle') await this.idle(this.pollMs);
      } catch (err) {
        if (!this.running) break;
        ctx.log.error(`${this.name} loop error`, { error: err instanceof Error ? err.message : String(err) });
        await this.idle(this.pollMs);
      } finally {
        this.current = null;
      }
    }
  }
}

/** How often a running item's lease is renewed while slow work (a model call) is in flight. */
export const LEASE_RENEW_MS = 60_000;

/**
 * Runs `fn` while renewing a lease every minute on the Clock; when `renew`
 * reports the lease lost (stale recovery handed the item to someone else),
 * `onLost` is called (it aborts the work).
 */
export async function keepLease<T>(ctx: EngineCtx, renew: () => Promise<boolean>, onLost: () => void, fn: () => Promise<T>): Promise<T> {
  let cancel = (): void => {};
  let done = false;
  const schedule = (): void => {
    cancel = ctx.clock.setTimer(LEASE_RENEW_MS, async () => {
      const held = await renew().catch(() => true);
      if (!held) onLost();
      else if (!done) schedule();
    });
  };
  schedule();
  try {
    return await fn();
  } finally {
    done = true;
    cancel();
  }
}
