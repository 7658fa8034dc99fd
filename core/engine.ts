import { queueTidier } from './ops/tidy.js';
import type { Db } from './db/db.js';
import { loadMigrations, migrate } from './db/migrate.js';
import type { Clock } from './ports/clock.js';
import { isoNow } from './ports/clock.js';
import type { Log } from './ports/log.js';
import type { Random } from './ports/random.js';
import { seedRoster } from './ops/agents.js';
import { Bus } from './ops/bus.js';
import type { EngineCtx } from './ops/ctx.js';
import { Heartbeat, type HeartbeatJob } from './ops/heartbeat.js';
import { seedPolicies } from './ops/policy.js';
import type { PolicyKey } from './ops/policy-schemas.js';
import { recoverOrphanedSteps, recoverStaleSteps } from './ops/recovery.js';
import { startLeaseWatch } from './ops/lease-watch.js';
import { trimMemoryCaps } from './memory/store.js';
import { createHandlers } from './handlers.js';
import type { FeatureEnv } from './feature.js';
import { triggerFeature } from './triggers/feature.js';
import { roundtableFeature } from './roundtable/feature.js';
import { autonomyFeature } from './autonomy-feature.js';
import type { Handlers } from './api/contract.js';
import { dataCalls } from './api/data-calls.js';
import { AppError } from './api/errors.js';
import { PauseFlag, readPauseState } from './ops/pause.js';
import { pauseHandlers } from './ops/pause-handlers.js';
import { ExecutorRegistry, type Executor } from './workers/executor.js';
import { waitExecutor } from './workers/wait-executor.js';
import { LlmService, type LlmServiceDeps } from './llm/llm-service.js';
import type { ModelControl } from './llm/model-control.js';
import type { LocalOllama } from './llm/local-ollama.js';
import { analyzeExecutor } from './executors/analyze.js';
import { writeContentExecutor } from './executors/write-content.js';
import { draftTweetExecutor } from './executors/draft-tweet.js';
import { crawlExecutor } from './executors/crawl.js';
import { postBlueskyExecutor } from './executors/post-bluesky.js';
import { postTweetExecutor } from './executors/post-tweet.js';
import { WorkerPool, type WorkerPoolOptions } from './workers/worker-pool.js';
import { createStatsHandlers } from './stats/stats-handlers.js';
import { createArtifactHandlers } from './artifacts/artifact-handlers.js';
import { createSettingsHandlers } from './settings/settings-handlers.js';

export interface EngineOptions {
  db: Db;
  clock: Clock;
  random: Random;
  log: Log;
  /** Where the data lives, for runtime.status (a folder, "memory" or a redacted URL). */
  location: string;
  processId?: string;
  /** Run workers in this process (default true); or only some kinds. */
  workers?: boolean | WorkerPoolOptions;
  /** Run the heartbeat in this process (default true). */
  heartbeat?: boolean;
  /** Run the time-of-day routines (and their catch-up on start) in this process (default: where the heartbeat runs). */
  routines?: boolean;
  /** Executors beyond the built-in ones. */
  executors?: Executor[];
  /** Policy values to use the first time a database is set up (e.g. the user's time zone). */
  initialPolicy?: Partial<Record<PolicyKey, unknown>>;
  version?: string;
  /** The LLM: how to reach a host and manage its models. Without it, LLM step kinds stay queued. */
  llm?: {
    service: LlmServiceDeps;
    modelControl?: (hosts: string[]) => ModelControl;
    localOllama?: LocalOllama;
  };
  /** How often queue loops (conversations, initiatives) poll for work from other processes. */
  queuePollMs?: number;
  /** See EngineCtx.policyCacheMs. */
  policyCacheMs?: number;
  /** See EngineCtx.turnGapMs. */
  turnGapMs?: readonly [number, number];
  /** See EngineCtx.clusterCacheDir. */
  clusterCacheDir?: string;
  /** Folder of the NNN_name.sql files (packaged builds put it beside the app). */
  migrationsDir?: string;
  /** The stream to publish on; an engine host passes one that outlives engine restarts. */
  bus?: Bus;
}

export interface Engine {
  ctx: EngineCtx;
  llm: LlmService | null;
  registry: ExecutorRegistry;
  pool: WorkerPool | null;
  heartbeat: Heartbeat;
  handlers: Handlers;
  /**
   * Starts the workers and the heartbeat. Resolves once the heartbeat's first run is done, or, with
   * `firstHeartbeat: 'background'` (an app starting: a day's first backup of a large company takes
   * seconds), as soon as it has begun; stop() still waits for it.
   */
  start(opts?: { firstHeartbeat?: 'wait' | 'background' }): Promise<void>;
  stop(): Promise<void>;
}

/** The default heartbeat jobs of the loop; later features add theirs with heartbeat.add(). */
export function coreHeartbeatJobs(): HeartbeatJob[] {
  return [
    { name: 'recover_stale_steps', run: (ctx) => recoverStaleSteps(ctx) },
    { name: 'trim_memory_caps', run: (ctx) => trimMemoryCaps(ctx.db, isoNow(ctx.clock)) },
    { name: 'tidy_tables', run: queueTidier() },
  ];
}

/** Migrates and seeds the database, then wires the engine. Nothing runs until start(). */
export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const { db, clock, random, log } = opts;
  await migrate(db, { now: isoNow(clock), ...(opts.migrationsDir ? { migrations: await loadMigrations(opts.migrationsDir) } : {}) });
  await db.transaction(async (tx) => {
    const now = isoNow(clock);
    await seedPolicies(tx, now, opts.initialPolicy);
    await seedRoster(tx, now);
  });
  const processId = opts.processId ?? `proc-${Math.floor(random.next() * 0xffffffff).toString(16).padStart(8, '0')}`;
  const ctx: EngineCtx = {
    db,
    clock,
    random,
    log,
    bus: opts.bus ?? new Bus(),
    processId,
    eventHooks: [],
    ...(opts.policyCacheMs !== undefined ? { policyCacheMs: opts.policyCacheMs } : {}),
    ...(opts.turnGapMs ? { turnGapMs: opts.turnGapMs } : {}),
    ...(opts.clusterCacheDir ? { clusterCacheDir: opts.clusterCacheDir } : {}),
  };
  // A paused company stays paused across restarts: the flag starts from the stored state.
  ctx.pause = new PauseFlag(db.kind === 'pglite' ? Number.POSITIVE_INFINITY : 1000);
  ctx.pause.set(await readPauseState(db), clock.now());
  const llm = opts.llm ? new LlmService(ctx, opts.llm.service) : null;
  const registry = new ExecutorRegistry().register(waitExecutor, crawlExecutor, postBlueskyExecutor, postTweetExecutor);
  if (llm) registry.register(analyzeExecutor(llm), writeContentExecutor(llm), draftTweetExecutor(llm));
  registry.register(...(opts.executors ?? []));
  const wantWorkers = opts.workers ?? true;
  const env: FeatureEnv = { ctx, llm, runsWorkers: wantWorkers !== false, ...(opts.queuePollMs ? { queuePollMs: opts.queuePollMs } : {}) };
  const triggers = triggerFeature(env);
  const roundtables = roundtableFeature(env);
  const autonomy = autonomyFeature(env);
  const features = [triggers, roundtables, autonomy];
  for (const f of features) {
    await f.seed?.(db, isoNow(clock));
    registry.register(...(f.executors ?? []));
    ctx.eventHooks.push(...(f.eventHooks ?? []));
  }
  const pool = wantWorkers ? new WorkerPool(ctx, registry, wantWorkers === true ? {} : wantWorkers) : null;
  const heartbeat = new Heartbeat(ctx, [...(triggers.heartbeatJobs ?? []), ...coreHeartbeatJobs(), ...(roundtables.heartbeatJobs ?? []), ...(autonomy.heartbeatJobs ?? [])]);
  const startedAt = isoNow(clock);
  let heartbeatRunning = false;
  let stopLeaseWatch: (() => void) | null = null;
  const coreHandlers = createHandlers({
    ctx,
    registry,
    pool: () => pool,
    heartbeat,
    models: { ctx, llm, modelControl: opts.llm?.modelControl ?? null, localOllama: opts.llm?.localOllama ?? null },
    info: () => ({ version: opts.version ?? '0.1.0', startedAt, location: opts.location, heartbeatRunning }),
  });
  // TODO(issue 9): placeholders until the data feature lands; each says so instead of pretending.
  const notYet = Object.fromEntries(
    Object.keys(dataCalls).map((name) => [name, () => Promise.reject(new AppError('unavailable', `${name} is not available in this build yet.`))]),
  ) as unknown as Pick<Handlers, keyof typeof dataCalls>;
  const settingsHandlers = { ...createSettingsHandlers({ ctx, registry, modelControl: opts.llm?.modelControl ?? null }), ...createArtifactHandlers(ctx) };
  const handlers: Handlers = { ...coreHandlers, ...triggers.handlers, ...roundtables.handlers, ...notYet, ...pauseHandlers(ctx, registry), ...autonomy.handlers, ...createStatsHandlers(ctx), ...settingsHandlers };
  return {
    ctx,
    llm,
    registry,
    pool,
    heartbeat,
    handlers,
    async start(startOpts = {}) {
      // one process per data folder: a step still marked running was left by one that is gone
      if (db.kind === 'pglite') await recoverOrphanedSteps(ctx);
      for (const f of features) await f.start?.({ schedules: opts.routines ?? opts.heartbeat ?? true });
      pool?.start();
      if (opts.heartbeat ?? true) {
        heartbeatRunning = true;
        // several processes share a server: one whose worker died is noticed within a lease
        if (db.kind === 'postgres') stopLeaseWatch = startLeaseWatch(ctx);
        const first = heartbeat.start();
        if (startOpts.firstHeartbeat !== 'background') await first;
      }
    },
    async stop() {
      heartbeatRunning = false;
      stopLeaseWatch?.();
      stopLeaseWatch = null;
      await heartbeat.stop();
      await pool?.stop();
      for (const f of features) await f.stop?.();
    },
  };
}
