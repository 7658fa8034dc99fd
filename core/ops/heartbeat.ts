import { isoNow } from '../ports/clock.js';
import type { EngineCtx } from './ctx.js';
import { cachedPolicy } from './policy.js';
import { currentPause } from './pause.js';

export interface HeartbeatJob {
  name: string;
  run(ctx: EngineCtx): Promise<unknown>;
}

export interface JobOutcome {
  name: string;
  ok: boolean;
  ms: number;
  result?: unknown;
  error?: string;
}

export interface HeartbeatRun {
  id: number;
  status: 'succeeded' | 'partial' | 'failed';
  jobs: JobOutcome[];
  startedAt: string;
  durationMs: number;
}

const LOCK = 'emtesseract:heartbeat';

/**
 * The system's pulse: every heartbeat_policy.interval_minutes (5) on the Clock,
 * runs its jobs in order, each try/caught and timed, and records one
 * ops_action_runs row when it ends. A lock keeps one heartbeat at a time across processes.
 */
export class Heartbeat {
  private cancelTimer: (() => void) | null = null;
  private running = false;
  private current: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: EngineCtx,
    private readonly jobs: HeartbeatJob[],
  ) {}

  /** Adds a job after the ones already there (later issues plug theirs in). */
  add(job: HeartbeatJob): void {
    this.jobs.push(job);
  }

  jobNames(): string[] {
    return this.jobs.map((j) => j.name);
  }

  /** Runs now, then on every interval. Resolves once the first run is done and the next is scheduled. */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    return this.tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    await this.current.catch(() => {});
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    const run = this.runOnce().catch((err) => {
      this.ctx.log.error('Heartbeat failed to run', { error: err instanceof Error ? err.message : String(err) });
    });
    this.current = run;
    await run;
    if (!this.running) return;
    const policy = await cachedPolicy(this.ctx, 'heartbeat_policy').catch(() => null);
    const minutes = policy?.interval_minutes ?? 5;
    this.cancelTimer = this.ctx.clock.setTimer(minutes * 60_000, () => this.tick());
  }

  /** One heartbeat; null when another process holds the lock, the heartbeat is turned off or the company is paused. */
  async runOnce(opts: { force?: boolean } = {}): Promise<HeartbeatRun | null> {
    const { ctx } = this;
    if (!opts.force) {
      const policy = await cachedPolicy(ctx, 'heartbeat_policy');
      if (!policy.enabled) return null;
      // A paused company runs no jobs (triggers, reactions, schedules, initiatives); the timer keeps ticking.
      if ((await currentPause(ctx)).paused) return null;
    }
    const locked = await ctx.db.withLock(LOCK, async () => {
      const startedAt = isoNow(ctx.clock);
      const t0 = ctx.clock.perf();
      const outcomes: JobOutcome[] = [];
      for (const job of this.jobs) {
        const j0 = ctx.clock.perf();
        try {
          const result = await job.run(ctx);
          outcomes.push({ name: job.name, ok: true, ms: round(ctx.clock.perf() - j0), result: result ?? null });
        } catch (err) {
          outcomes.push({ name: job.name, ok: false, ms: round(ctx.clock.perf() - j0), error: err instanceof Error ? err.message : String(err) });
        }
      }
      const failures = outcomes.filter((o) => !o.ok).length;
      const status: HeartbeatRun['status'] = failures === 0 ? 'succeeded' : failures === outcomes.length ? 'failed' : 'partial';
      const durationMs = round(ctx.clock.perf() - t0);
      // One row per run, written when it ends (one statement per heartbeat instead of an insert and an update).
      const ins = await ctx.db.query<{ id: number }>(
        `INSERT INTO ops_action_runs (action, status, holder, jobs, started_at, finished_at, duration_ms) VALUES ('heartbeat', $1, $2, $3::jsonb, $4, $5, $6) RETURNING id`,
        [status, ctx.processId, JSON.stringify(outcomes), startedAt, isoNow(ctx.clock), durationMs],
      );
      const id = ins.rows[0]?.id as number;
      const run: HeartbeatRun = { id, status, jobs: outcomes, startedAt, durationMs };
      ctx.bus.publish({ type: 'heartbeat', run });
      return run;
    });
    return locked.acquired ? locked.value : null;
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
