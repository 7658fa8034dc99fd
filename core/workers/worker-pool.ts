import { isoNow } from '../ports/clock.js';
import { anyDueOfKind } from '../ops/queue-peek.js';
import { STEP_QUEUED_CHANNEL } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy, forget, getPolicy, upsertPolicy } from '../ops/policy.js';
import { currentPause } from '../ops/pause.js';
import { leaseQuarterMs } from '../ops/lease-watch.js';
import { cancelledError, MISSION_CANCELLED_CHANNEL, noteStopped } from './cancel.js';
import { isConnectionError } from '../db/connection-errors.js';
import { DbOutage } from './db-outage.js';
import { classifyFailure, type Executor, type ExecutorRegistry } from './executor.js';
import { CompletionBatcher } from './complete-batch.js';
import { claimSteps, failStep, markMissionsRunning, releaseSteps, renewLease, type ClaimedStep } from './steps.js';

export interface WorkerPoolOptions {
  /** Only run these kinds (a scale-out worker process); default: every registered kind. */
  kinds?: string[];
  /** Fallback poll interval, for steps queued by other processes. */
  pollMs?: number;
  /** How often a running step's lease is renewed; default a quarter of heartbeat_policy.stale_step_minutes. */
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

/**
 * Claiming ahead: a dispatcher whose steps run fast holds, besides the steps it runs, a few
 * claimed ones that start as soon as a slot frees — as many as its executors will start within
 * this window at the pace they have been running (at most AHEAD_FACTOR × concurrency). A
 * batch of fast steps is then claimed and recorded a batch at a time, while slow steps (an LLM
 * call, a crawl, a wait) are never claimed ahead and stay free for other processes. So a step
 * marked running has started, or will within about this long.
 */
const AHEAD_WINDOW_MS = 25;
const AHEAD_FACTOR = 7;
/** On PostgreSQL: two batches of 8 × concurrency, one recorded while the other runs. */
const AHEAD_FACTOR_SERVER = 15;

class Dispatcher {
  inflight = new Map<number, { controller: AbortController; missionId: number; done: Promise<void> }>();
  /** Claimed ahead, not started yet (see AHEAD_WINDOW_MS), oldest first. */
  ahead: ClaimedStep[] = [];
  /** Steps whose executor is running (the rest of `inflight` are being recorded). */
  executing = 0;
  /** How long this kind's executors have taken lately (ms, moving average); null before the first. */
  paceMs: number | null = null;
  enabled = true;
  concurrency = 1;
  paused: { reason: string; until: number } | null = null;
  processed = 0;
  failed = 0;
  /** Times the loop has looked at its policy and the queue (a test waits for a few more instead of sleeping). */
  rounds = 0;
  private woken = false;
  /**
   * Set while the loop waits with nothing in the way of a claim (enabled, not paused, ready, no
   * agent paused): a NOTIFY may then claim at once (WorkerPool.onQueued) instead of first waking
   * the loop to do it.
   */
  claimOnWake = false;
  /** A claim a NOTIFY started, and how many it asked for; the loop takes its steps as it resumes (WorkerPool.settleEarlyClaim). */
  earlyClaim: { steps: Promise<ClaimedStep[]>; ask: number } | null = null;
  /** Ends the current idle wait early (set while the loop waits). */
  private endIdle: (() => void) | null = null;
  loop: Promise<void> = Promise.resolve();

  constructor(
    readonly kind: string,
    readonly executor: Executor,
  ) {}

  wake(): void {
    this.woken = true;
    this.endIdle?.();
  }

  /**
   * Waits `ms` on the clock or until woken, whichever comes first; returns at once when woken
   * since the last wait. A plain callback, no AbortSignal: a wake-up is on the path from a step
   * being queued to it starting, and an abort builds an exception for nothing.
   */
  idle(ctx: EngineCtx, ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        cancel();
        this.endIdle = null;
        this.woken = false;
        resolve();
      };
      const cancel = ctx.clock.setTimer(ms, done);
      this.endIdle = done;
    });
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
  private readonly leaseRenewMs: number | null;
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
    this.leaseRenewMs = opts.leaseRenewMs ?? null;
    this.pauseMs = opts.pauseMs ?? 15_000;
    this.breakerThreshold = opts.breakerThreshold ?? 3;
    this.outage = new DbOutage(ctx, `Worker process ${ctx.processId}`);
    this.completions = new CompletionBatcher(ctx, ctx.processId, ctx.db.kind === 'postgres' ? 2 : 1, 64, () => this.anyExecuting());
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
    this.listenFor(STEP_QUEUED_CHANNEL, (kind) => this.onQueued(kind), 'queued steps; polling only');
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

  /**
   * A step of `kind` was queued in another process (NOTIFY). A loop waiting with room, nothing
   * in its way, has its claim sent from here, before the loop even resumes: on the path from the
   * step queued to it starting, that skips the loop's wake-up and its checks (~0.1 ms of a
   * ~0.7 ms path here). The loop takes the claimed steps as it resumes and runs its checks on
   * them as on any it holds: a kind disabled or paused since gives them back.
   */
  private onQueued(kind: string): void {
    const d = this.dispatchers.get(kind);
    if (!d) return;
    if (d.claimOnWake && !d.earlyClaim && this.running) {
      const ask = this.claimSize(d);
      if (ask > 0) {
        d.claimOnWake = false;
        const steps = claimSteps(this.ctx, [kind], this.workerId, ask, [], { markMissions: false });
        steps.catch(() => {}); // the loop hears of a failure when it claims itself
        d.earlyClaim = { steps, ask };
      }
    }
    d.wake();
  }

  /**
   * Takes the steps of `d`'s early claim, if it made one, as claimed ahead (not started yet).
   * True when that claim found fewer due steps than it asked for: the queue had no more when it
   * ran, and a step queued since has woken the loop again, so this round claims nothing more.
   */
  private async settleEarlyClaim(d: Dispatcher): Promise<boolean> {
    const early = d.earlyClaim;
    if (!early) return false;
    d.earlyClaim = null;
    let steps: ClaimedStep[];
    try {
      steps = await early.steps;
    } catch {
      return false; // nothing was claimed (or the lease brings it back); the loop's own claim meets the failure
    }
    await this.outage.ok();
    d.ahead.push(...steps);
    this.markRunning(steps);
    return steps.length < early.ask;
  }

  /** How many steps `d` should claim now (0: none), from what it may hold and holds. */
  private claimSize(d: Dispatcher): number {
    // What it holds: steps running, being recorded, and claimed ahead. Slow steps are claimed as
    // soon as a slot is free; fast ones a batch at a time, when half of what it may hold is free
    // (or it holds nothing), since then the database is what they wait on.
    const ahead = this.aheadOf(d);
    const hold = d.concurrency + ahead;
    const held = d.inflight.size + d.ahead.length;
    const room = hold - held;
    if (room <= 0 || (ahead > 0 && held > 0 && room < Math.ceil(hold / 2))) return 0;
    // On PostgreSQL half of it per claim: one half is recorded while the other is claimed and
    // run, so the server works on two batches at once. PGlite runs on this thread.
    return this.ctx.db.kind === 'postgres' ? Math.min(room, Math.ceil(hold / 2)) : room;
  }

  /** On PostgreSQL, marks the missions of just-claimed steps running, off the path to their start. */
  private markRunning(steps: ClaimedStep[]): void {
    if (this.ctx.db.kind !== 'postgres' || !steps.length) return;
    markMissionsRunning(this.ctx, steps).catch((err) =>
      this.ctx.log.warn('Could not mark missions running (their steps run anyway)', { error: err instanceof Error ? err.message : String(err) }),
    );
  }

  /** Aborts the running steps of a cancelled mission held by this process. */
  private abortMission(missionId: number): void {
    for (const d of this.dispatchers.values()) {
      for (const f of d.inflight.values()) if (f.missionId === missionId) f.controller.abort(cancelledError(missionId));
      // claimed ahead, never started: nothing to abort, only the "stopped" note to write
      const never = d.ahead.filter((s) => s.missionId === missionId);
      if (!never.length) continue;
      d.ahead = d.ahead.filter((s) => s.missionId !== missionId);
      for (const step of never) void this.stoppedByCancel(step);
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
      await this.settleEarlyClaim(d);
      // after the loop: a claim that was under way when we stopped has landed in d.ahead
      await this.giveBack(d).catch((err) =>
        this.ctx.log.warn(`Could not hand back the steps worker ${d.kind} had claimed ahead; their lease returns them`, { error: err instanceof Error ? err.message : String(err) }),
      );
      await Promise.all([...d.inflight.values()].map((f) => f.done));
    }));
    this.dispatchers.clear();
  }

  /** Whether an executor of this pool is running, or a claimed step is about to start. */
  private anyExecuting(): boolean {
    for (const d of this.dispatchers.values()) if (d.executing > 0 || d.ahead.length > 0) return true;
    return false;
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
        const drained = d.earlyClaim ? await this.settleEarlyClaim(d) : false;
        const policy = (await cachedPolicy(ctx, 'workers')).kinds[d.kind];
        d.enabled = policy?.enabled ?? true;
        d.concurrency = policy?.concurrency ?? 1;
        if (!d.enabled) {
          await this.giveBack(d);
          await d.idle(ctx, this.pollMs);
          continue;
        }
        if (d.paused && d.paused.until > ctx.clock.now()) {
          await this.giveBack(d);
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
          await this.giveBack(d);
          await d.idle(ctx, this.pollMs);
          continue;
        }
        const pausedAgents = ctx.pause?.pausedAgentIds ?? [];
        if (pausedAgents.length) await this.giveBack(d, (s) => pausedAgents.includes(s.agentId));
        this.startAhead(d);
        const server = ctx.db.kind === 'postgres';
        while (this.running && !drained) {
          const ask = this.claimSize(d);
          if (ask === 0) break;
          // PGlite: a look first, answered from memory while the steps table is unchanged, so a
          // loop woken with nothing due runs no claim (an UPDATE) at all.
          if (!server && !(await anyDueOfKind(ctx.db, d.kind, isoNow(ctx.clock)))) break;
          const steps = await claimSteps(ctx, [d.kind], this.workerId, ask, pausedAgents, { markMissions: !server });
          await this.outage.ok();
          d.ahead.push(...steps);
          this.startAhead(d);
          this.markRunning(steps);
          if (steps.length < ask) break; // the queue has no more due steps of this kind
        }
        // Look again when woken (a step queued, a slot freed) or at the next poll.
        if (this.running) {
          d.claimOnWake = server && !pausedAgents.length;
          await d.idle(ctx, this.pollMs);
          d.claimOnWake = false;
        }
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

  /** How many steps `d` may hold claimed beyond those it runs (see AHEAD_WINDOW_MS). */
  private aheadOf(d: Dispatcher): number {
    if (d.paceMs === null) return 0;
    const wouldStart = Math.floor((d.concurrency * AHEAD_WINDOW_MS) / Math.max(d.paceMs, 0.01));
    return Math.min(wouldStart, d.concurrency * (this.ctx.db.kind === 'postgres' ? AHEAD_FACTOR_SERVER : AHEAD_FACTOR));
  }

  /** Starts claimed-ahead steps while `d` has free slots. */
  private startAhead(d: Dispatcher): void {
    while (this.running && d.enabled && !d.paused && d.ahead.length && d.executing < d.concurrency) this.execute(d, d.ahead.shift()!);
  }

  /** Hands `d`'s claimed-ahead steps (those matching `which`) back to the queue unstarted. */
  private async giveBack(d: Dispatcher, which: (s: ClaimedStep) => boolean = () => true): Promise<void> {
    const back = d.ahead.filter(which);
    if (!back.length) return;
    d.ahead = d.ahead.filter((s) => !which(s));
    try {
      await releaseSteps(this.ctx, back, this.workerId);
    } catch (err) {
      d.ahead.unshift(...back); // still ours: they start later, or go back on the next try
      throw err;
    }
  }

  private execute(d: Dispatcher, step: ClaimedStep): void {
    const controller = new AbortController();
    this.ctx.bus.publish({ type: 'step', step });
    d.executing++;
    let freed = false;
    // The slot frees when the executor returns; its success is recorded after, batched with others.
    const free = (): void => {
      if (freed) return;
      freed = true;
      d.executing--;
      this.startAhead(d);
      d.wake();
    };
    const done = this.runStep(d, step, controller, free).finally(() => {
      d.inflight.delete(step.id);
      free();
      d.wake();
    });
    d.inflight.set(step.id, { controller, missionId: step.missionId, done });
  }

  private async runStep(d: Dispatcher, step: ClaimedStep, controller: AbortController, free: () => void): Promise<void> {
    const { ctx } = this;
    let cancelRenew = (): void => {};
    let renewing = true;
    const scheduleRenew = async (): Promise<void> => {
      const every = this.leaseRenewMs ?? (await leaseQuarterMs(ctx).catch(() => 7_500));
      if (!renewing) return;
      cancelRenew = ctx.clock.setTimer(every, async () => {
        const held = await renewLease(ctx, step.id, this.workerId).catch(() => true);
        if (!held) controller.abort();
        else if (!controller.signal.aborted && renewing) await scheduleRenew();
      });
    };
    const stopRenewing = (): void => {
      renewing = false;
      cancelRenew();
    };
    void scheduleRenew();
    let out: Awaited<ReturnType<typeof d.executor.run>>;
    const startedAt = ctx.clock.now();
    const pace = (): void => {
      // the executor's own time (its outcome is recorded after), a moving average over ~8 steps
      const ms = ctx.clock.now() - startedAt;
      d.paceMs = d.paceMs === null ? ms : d.paceMs + (ms - d.paceMs) / 8;
    };
    try {
      out = await d.executor.run({ ctx, step, agentId: step.agentId, signal: controller.signal });
      pace();
    } catch (err) {
      pace();
      stopRenewing();
      if (!(await this.stoppedByCancel(step))) await this.recordFailure(d, step, err);
      return;
    }
    stopRenewing();
    // Lost connection: tried again once the database answers. A success that was committed
    // before the connection dropped finds the step no longer running and writes nothing twice.
    // Submitted before the slot frees, so the success is on its way to the database before the
    // loop looks for the next step.
    const recording = this.reconnecting(controller.signal, () => this.completions.submit({ step, out }));
    free();
    try {
      if (await recording) d.processed++;
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
        if (await this.countFailure(d.kind, failure.message)) {
          // the breaker tripped: nothing more starts, and what was claimed ahead goes back
          d.enabled = false;
          await this.giveBack(d);
        }
      }
    } catch (e) {
      if (isConnectionError(e)) this.outage.lost(e);
      else ctx.log.error(`Could not record the failure of step ${step.id}`, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Circuit breaker: N failures in a row turn the worker off through its policy and raise an alert. True when it tripped. */
  private async countFailure(kind: string, message: string): Promise<boolean> {
    const { ctx } = this;
    const tripped = await ctx.db.transaction(async (tx) => {
      const now = isoNow(ctx.clock);
      const res = await tx.query<{ n: number }>(
        `INSERT INTO ops_worker_state (kind, consecutive_failures, last_error, updated_at) VALUES ($1, 1, $2, $3)
         ON CONFLICT (kind) DO UPDATE SET consecutive_failures = ops_worker_state.consecutive_failures + 1,
           last_error = EXCLUDED.last_error, updated_at = EXCLUDED.updated_at
         RETURNING consecutive_failures AS n`,
        [kind, message, now],
      );
      const n = res.rows[0]?.n ?? 0;
      if (n < this.breakerThreshold) return false;
      const workers = await getPolicy(tx, 'workers');
      const cur = workers.kinds[kind] ?? { enabled: true, concurrency: 1 };
      await upsertPolicy(tx, 'workers', { kinds: { ...workers.kinds, [kind]: { ...cur, enabled: false } } }, now);
      await tx.query('UPDATE ops_worker_state SET consecutive_failures = 0 WHERE kind = $1', [kind]);
      await writeEvent(ctx, tx, {
        kind: 'worker_disabled',
        title: `Worker ${kind} turned off after ${n} failures in a row`,
        summary: `Last error: ${message}. Turn it back on in Settings → Policies → Workers once the cause is fixed.`,
        tags: ['alert', 'worker', 'circuit_breaker', kind],
        payload: { kind, failures: n, lastError: message },
      });
      return true;
    });
    forget(ctx, 'workers');
    return tripped;
  }
}
