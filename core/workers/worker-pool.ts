import { isoNow } from '../ports/clock.js';
import { STEP_QUEUED_CHANNEL } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy, forget, getPolicy, upsertPolicy } from '../ops/policy.js';
import { currentPause } from '../ops/pause.js';
import { cancelledError, MISSION_CANCELLED_CHANNEL, noteStopped } from './cancel.js';
import { isConnectionError } from '../db/connection-errors.js';
import { DbOutage } from './db-outage.js';
import { classifyFailure, type Executor, type ExecutorRegistry } from './executor.js';
import { CompletionBatcher } from './complete-batch.js';
import { claimSteps, failStep, renewLease, type ClaimedStep } from './steps.js';

export interface WorkerPoolOptions {
  /** Only run these kinds (a scale-out worker process); default: every registered kind. */
  kinds?: string[];
  /** Fallback poll interval, for steps queued by other processes. */
  pollMs?: number;
  /** How often a running step's lease is renewed. */
  leaseRenewMs?: number;
  /** How long a paused worker waits before looking again. */
  pauseMs?: number;
  /** Consecutive failures that trip the circuit breaker. */
  breakerThreshold?: number;
}

export interface WorkerStatus {
  kind: string;
  enabled: boolean;
  concurrency: number;
  inflight: number;
  paused: { reason: string; until: string } | null;
  processed: number;
  failed: number;
}

class Dispatcher {
  inflight = new Map<number, { controller: AbortController; missionId: number; done: Promise<void> }>();
  enabled = true;
  concurrency = 1;
  paused: { reason: string; until: number } | null = null;
  processed = 0;
  failed = 0;
  /** Times the loop has looked at its policy and the queue (a test waits for a few more instead of sleeping). */
  rounds = 0;
  private woken = false;
  private wakeSleep: AbortController | null = null;
  loop: Promise<void> = Promise.resolve();

  constructor(
    readonly kind: string,
    readonly executor: Executor,
  ) {}

  wake(): void {
    this.woken = true;
    this.wakeSleep?.abort();
  }

  async idle(ctx: EngineCtx, ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    const ac = new AbortController();
    this.wakeSleep = ac;
    try {
      await ctx.clock.sleep(ms, ac.signal);
    } catch {
      // woken
    } finally {
      this.wakeSleep = null;
      this.woken = false;
    }
  }
}

/**
 * The universal worker loop, one dispatcher per step kind: check the kind's
 * policy flag, ask the executor whether it can work, claim atomically up to
 * the kind's concurrency, run with a renewed lease, then record success or
 * failure (retry with backoff, circuit breaker). Woken in-process when a step
 * is queued; polls as the fallback for steps queued by other processes.
 */
export class WorkerPool {
  private readonly dispatchers = new Map<string, Dispatcher>();
  private running = false;
  private unsubscribe: (() => void) | null = null;
  private stopListening: (() => Promise<void>)[] = [];
  /** Wake-ups at the due time of steps this process put back for a retry. */
  private readonly retryWakes = new Set<() => void>();
  private readonly pollMs: number;
  private readonly leaseRenewMs: number;
  private readonly pauseMs: number;
  private readonly breakerThreshold: number;
  /** The database being away (PostgreSQL restarted): logged once, backed off, one event when it is back. */
  private readonly outage: DbOutage;
  /** Successes that finish together are recorded together. */
  private readonly completions: CompletionBatcher;

  constructor(
    private readonly ctx: EngineCtx,
    private readonly registry: ExecutorRegistry,
    private readonly opts: WorkerPoolOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 2000;
    this.leaseRenewMs = opts.leaseRenewMs ?? 60_000;
    this.pauseMs = opts.pauseMs ?? 15_000;
    this.breakerThreshold = opts.breakerThreshold ?? 3;
    this.outage = new DbOutage(ctx, `Worker process ${ctx.processId}`);
    this.completions = new CompletionBatcher(ctx, ctx.processId, ctx.db.kind === 'postgres' ? 2 : 1);
  }

  get workerId(): string {
    return this.ctx.processId;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const kinds = this.opts.kinds ?? this.registry.kinds();
    for (const kind of kinds) {
      const executor = this.registry.get(kind);
      if (!executor) {
        this.ctx.log.warn(`No executor for step kind "${kind}"; its steps stay queued.`);
        continue;
      }
      const d = new Dispatcher(kind, executor);
      this.dispatchers.set(kind, d);
      d.loop = this.run(d);
    }
    const offWake = this.ctx.bus.onWake((kind) => this.dispatchers.get(kind)?.wake());
    // Cancel means stop: a cancelled mission's running step is aborted at once.
    const offCancel = this.ctx.bus.subscribe((msg) => {
      if (msg.type === 'mission' && msg.mission.status === 'cancelled') this.abortMission(msg.mission.id);
    });
    this.unsubscribe = () => {
      offWake();
      offCancel();
    };
    // Other processes (PostgreSQL): NOTIFY wakes us for queued steps (polling stays the
    // fallback) and stops a cancelled mission's step (the lease check is the fallback).
    this.listenFor(STEP_QUEUED_CHANNEL, (kind) => this.dispatchers.get(kind)?.wake(), 'queued steps; polling only');
    this.listenFor(MISSION_CANCELLED_CHANNEL, (id) => this.abortMission(Number(id)), 'cancelled missions; the lease check stops their steps');
  }

  private listenFor(channel: string, onPayload: (payload: string) => void, fallback: string): void {
    if (!this.ctx.db.listen) return;
    this.ctx.db
      .listen(channel, onPayload)
      .then((stop) => {
        if (this.running) this.stopListening.push(stop);
        else void stop();
      })
      .catch((err) => this.ctx.log.warn(`Could not LISTEN for ${fallback}`, { error: err instanceof Error ? err.message : String(err) }));
  }

  /** Aborts the running steps of a cancelled mission held by this process. */
  private abortMission(missionId: number): void {
    for (const d of this.dispatchers.values()) {
      for (const f of d.inflight.values()) if (f.missionId === missionId) f.controller.abort(cancelledError(missionId));
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    await Promise.all(this.stopListening.map((stop) => stop()));
    this.stopListening = [];
    for (const cancel of this.retryWakes) cancel();
    this.retryWakes.clear();
    for (const d of this.dispatchers.values()) {
      for (const f of d.inflight.values()) f.controller.abort();
      d.wake();
    }
    await Promise.all([...this.dispatchers.values()].map(async (d) => {
      await d.loop;
      await Promise.all([...d.inflight.values()].map((f) => f.done));
    }));
    this.dispatchers.clear();
  }

  /** How many times the loop of `kind` (or of every kind, summed) has looked for work. */
  rounds(kind?: string): number {
    let n = 0;
    for (const d of this.dispatchers.values()) if (kind === undefined || d.kind === kind) n += d.rounds;
    return n;
  }

  /** Kinds this pool runs. */
  kinds(): string[] {
    return [...this.dispatchers.keys()];
  }

  status(): WorkerStatus[] {
    return [...this.dispatchers.values()].map((d) => ({
      kind: d.kind,
      enabled: d.enabled,
      concurrency: d.concurrency,
      inflight: d.inflight.size,
      paused: d.paused ? { reason: d.paused.reason, until: new Date(d.paused.until).toISOString() } : null,
      processed: d.processed,
      failed: d.failed,
    }));
  }

  private async run(d: Dispatcher): Promise<void> {
    const { ctx } = this;
    while (this.running) {
      d.rounds++;
      try {
        const policy = (await cachedPolicy(ctx, 'workers')).kinds[d.kind];
        d.enabled = policy?.enabled ?? true;
        d.concurrency = policy?.concurrency ?? 1;
        if (!d.enabled) {
          await d.idle(ctx, this.pollMs);
          continue;
        }
        if (d.paused && d.paused.until > ctx.clock.now()) {
          await d.idle(ctx, d.paused.until - ctx.clock.now());
          continue;
        }
        if (d.executor.ready) {
          const ready = await d.executor.ready(ctx);
          if (!ready.ok) {
            if (!d.paused) ctx.log.warn(`Worker ${d.kind} paused: ${ready.reason}`);
            d.paused = { reason: ready.reason, until: ctx.clock.now() + ready.retryInMs };
            continue;
          }
        }
        if (d.paused) ctx.log.info(`Worker ${d.kind} resumed.`);
        d.paused = null;
        // Pause check (runtime.pause / agents.setPaused, ops/pause.ts): a paused company claims
        // nothing (running steps finish); a paused agent's steps are skipped by the claim. No query
        // while the cached state is fresh; resume wakes this loop.
        const pause = await currentPause(ctx);
        if (pause.paused) {
          await d.idle(ctx, this.pollMs);
          continue;
        }
        let claimed = 0;
        while (this.running && d.inflight.size < d.concurrency) {
          // On PostgreSQL half the slots per claim: the first half runs (and its successes are
          // written) while the second is claimed, so the server and this process work at the same
          // time instead of in turns. PGlite runs on this thread: one claim for every free slot.
          const free = Math.min(d.concurrency - d.inflight.size, this.claimChunk(d));
          const steps = await claimSteps(ctx, [d.kind], this.workerId, free, ctx.pause?.pausedAgentIds);
          await this.outage.ok();
          claimed += steps.length;
          for (const step of steps) this.execute(d, step);
          if (steps.length < free) break;
        }
        if (claimed === 0 || d.inflight.size >= d.concurrency) await d.idle(ctx, this.pollMs);
      } catch (err) {
        if (!this.running) break;
        if (isConnectionError(err)) {
          // logged once per outage, not once per try; the wait grows while the server is away
          await d.idle(ctx, this.outage.lost(err));
          continue;
        }
        ctx.log.error(`Worker ${d.kind} loop error`, { error: err instanceof Error ? err.message : String(err) });
        await d.idle(ctx, this.pollMs);
      }
    }
  }

  private claimChunk(d: Dispatcher): number {
    return this.ctx.db.kind === 'postgres' ? Math.ceil(d.concurrency / 2) : d.concurrency;
  }

  private execute(d: Dispatcher, step: ClaimedStep): void {
    const controller = new AbortController();
    const done = this.runStep(d, step, controller).finally(() => {
      d.inflight.delete(step.id);
      d.wake();
    });
    d.inflight.set(step.id, { controller, missionId: step.missionId, done });
  }

  private async runStep(d: Dispatcher, step: ClaimedStep, controller: AbortController): Promise<void> {
    const { ctx } = this;
    let cancelRenew = (): void => {};
    const scheduleRenew = (): void => {
      cancelRenew = ctx.clock.setTimer(this.leaseRenewMs, async () => {
        const held = await renewLease(ctx, step.id, this.workerId).catch(() => true);
        if (!held) controller.abort();
        else if (!controller.signal.aborted) scheduleRenew();
      });
    };
    scheduleRenew();
    let out: Awaited<ReturnType<typeof d.executor.run>>;
    try {
      out = await d.executor.run({ ctx, step, agentId: step.agentId, signal: controller.signal });
    } catch (err) {
      cancelRenew();
      if (!(await this.stoppedByCancel(step))) await this.recordFailure(d, step, err);
      return;
    }
    cancelRenew();
    try {
      // Lost connection: tried again once the database answers. A success that was committed
      // before the connection dropped finds the step no longer running and writes nothing twice.
      if (await this.reconnecting(controller.signal, () => this.completions.submit({ step, out }))) d.processed++;
      else await this.stoppedByCancel(step);
    } catch (err) {
      // The work is done but could not be recorded (database trouble). The lease
      // runs out and stale recovery re-queues the step; it is not the executor's fault.
      if (!isConnectionError(err)) ctx.log.error(`Could not record the success of step ${step.id}`, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /**
   * Runs `fn`, and again after a connection error (with the outage's backoff) while the pool
   * runs, `signal` is not aborted and the tries last under two minutes; past that the lease
   * runs out and stale recovery hands the step to whoever can reach the database.
   */
  private async reconnecting<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    const end = this.ctx.clock.now() + 120_000;
    for (;;) {
      try {
        const value = await fn();
        await this.outage.ok();
        return value;
      } catch (err) {
        if (!isConnectionError(err) || !this.running || signal.aborted || this.ctx.clock.now() > end) throw err;
        await this.ctx.clock.sleep(this.outage.lost(err), signal).catch(() => {});
        if (signal.aborted || !this.running) throw err;
      }
    }
  }

  /** True when the step's mission was cancelled: then only a "stopped" note is written. */
  private async stoppedByCancel(step: ClaimedStep): Promise<boolean> {
    try {
      return await noteStopped(this.ctx, step, this.workerId);
    } catch (e) {
      if (isConnectionError(e)) this.outage.lost(e);
      else this.ctx.log.error(`Could not record that step ${step.id} stopped`, { error: e instanceof Error ? e.message : String(e) });
      return false;
    }
  }

  private async recordFailure(d: Dispatcher, step: ClaimedStep, err: unknown): Promise<void> {
    const { ctx } = this;
    try {
      const retry = await cachedPolicy(ctx, 'step_retry_policy');
      // The database went away under the step: not the step's fault, so no attempt is spent.
      const failure = isConnectionError(err)
        ? { mode: 'pause' as const, code: 'db_unreachable', message: 'The database could not be reached while the step ran; it runs again.', delayMs: 0 }
        : classifyFailure(err, step, retry, this.pauseMs);
      const outcome = await this.reconnecting(new AbortController().signal, () => failStep(ctx, step, this.workerId, failure));
      if (outcome === 'requeued' && failure.mode === 'retry' && this.running) {
        // the retry is due at run_after: wake then, instead of at the next poll
        const cancel = ctx.clock.setTimer(failure.delayMs, () => {
          this.retryWakes.delete(cancel);
          d.wake();
        });
        this.retryWakes.add(cancel);
      }
      if (failure.mode === 'pause') {
        // a budget holds one agent's step, not the whole kind: other agents' steps go on
        if (failure.code !== 'aborted' && failure.code !== 'budget_exhausted' && failure.code !== 'db_unreachable') d.paused = { reason: failure.message, until: ctx.clock.now() + failure.delayMs };
      } else {
        d.failed++;
        await this.countFailure(d.kind, failure.message);
      }
    } catch (e) {
      if (isConnectionError(e)) this.outage.lost(e);
      else ctx.log.error(`Could not record the failure of step ${step.id}`, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Circuit breaker: N failures in a row turn the worker off through its policy and raise an alert. */
  private async countFailure(kind: string, message: string): Promise<void> {
    const { ctx } = this;
    await ctx.db.transaction(async (tx) => {
      const now = isoNow(ctx.clock);
      const res = await tx.query<{ n: number }>(
        `INSERT INTO ops_worker_state (kind, consecutive_failures, last_error, updated_at) VALUES ($1, 1, $2, $3)
         ON CONFLICT (kind) DO UPDATE SET consecutive_failures = ops_worker_state.consecutive_failures + 1,
           last_error = EXCLUDED.last_error, updated_at = EXCLUDED.updated_at
         RETURNING consecutive_failures AS n`,
        [kind, message, now],
      );
      const n = res.rows[0]?.n ?? 0;
      if (n < this.breakerThreshold) return;
      const workers = await getPolicy(tx, 'workers');
      const cur = workers.kinds[kind] ?? { enabled: true, concurrency: 1 };
      await upsertPolicy(tx, 'workers', { kinds: { ...workers.kinds, [kind]: { ...cur, enabled: false } } }, now);
      await tx.query('UPDATE ops_worker_state SET consecutive_failures = 0 WHERE kind = $1', [kind]);
      await writeEvent(ctx, tx, {
        kind: 'worker_disabled',
        title: `Worker ${kind} turned off after ${n} failures in a row`,
        summary: `Last error: ${message}. Turn it back on in Settings → workers once the cause is fixed.`,
        tags: ['alert', 'worker', 'circuit_breaker', kind],
        payload: { kind, failures: n, lastError: message },
      });
    });
    forget(ctx, 'workers');
  }
}
