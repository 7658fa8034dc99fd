/**
 * The step queue inside one process: claim→start latency and no-op throughput
 * through the real engine (real WorkerPool; each step also writes its event
 * and finalizes its mission), on PGlite and on PostgreSQL, beside a bare SQL
 * claim/complete loop on the same database — the limit the engine can approach.
 */
import type { Db } from '../core/db/db.ts';
import { PgliteDb } from '../core/db/pglite.ts';
import { PostgresDb } from '../core/db/postgres.ts';
import { createEngine, type Engine } from '../core/engine.ts';
import { SystemClock } from '../core/ports/clock.ts';
import { silentLog } from '../core/ports/log.ts';
import { SeededRandom } from '../core/ports/random.ts';
import { getPolicy, setPolicy } from '../core/ops/policy.ts';
import type { Executor } from '../core/workers/executor.ts';
import type { BenchEnv } from './harness.ts';
import { summarize, type Figure } from './lib.ts';
import { bareSqlQueue, enqueueSteps, migrated } from './step-fixtures.ts';

interface Scale {
  latencySamples: number;
  warmup: number;
  throughputSteps: number;
  concurrency: number;
}

async function engineOn(db: Db, executor: Executor, concurrency: number): Promise<Engine> {
  const engine = await createEngine({
    db,
    clock: new SystemClock(),
    random: new SeededRandom(1),
    log: silentLog,
    location: 'bench',
    executors: [executor],
    heartbeat: false,
    workers: { kinds: [executor.kind], pollMs: 1000 },
  });
  const w = await getPolicy(db, 'workers');
  await setPolicy(engine.ctx, 'workers', { kinds: { ...w.kinds, [executor.kind]: { enabled: true, concurrency } } });
  return engine;
}

/**
 * Latency from the commit that queued a step to its executor starting, one step at a time:
 * each is queued once the one before has been recorded (on PGlite, one connection, a step
 * queued while the last success is still being written waits for that statement).
 */
async function engineLatency(open: () => Promise<Db>, s: Scale): Promise<number[]> {
  const db = await open();
  let started: (() => void) | null = null;
  let recorded: (() => void) | null = null;
  const exec: Executor = {
    kind: 'noop',
    async run() {
      started?.();
      return {};
    },
  };
  const engine = await engineOn(db, exec, 1);
  engine.ctx.bus.subscribe((msg) => {
    if (msg.type === 'step' && msg.step.status === 'succeeded') recorded?.();
  });
  engine.pool!.start();
  const samples: number[] = [];
  for (let i = 0; i < s.latencySamples + s.warmup; i++) {
    const startedP = new Promise<void>((r) => (started = r));
    const recordedP = new Promise<void>((r) => (recorded = r));
    await enqueueSteps(db, 1, 'noop');
    const t0 = performance.now();
    engine.ctx.bus.wake('noop'); // what createMission does after its commit
    await startedP;
    if (i >= s.warmup) samples.push(performance.now() - t0);
    await recordedP;
  }
  await engine.stop();
  await db.close();
  return samples;
}

async function engineThroughput(open: () => Promise<Db>, s: Scale): Promise<number> {
  const db = await open();
  const exec: Executor = { kind: 'noop', run: async () => ({}) };
  const engine = await engineOn(db, exec, s.concurrency);
  await enqueueSteps(db, s.throughputSteps, 'noop');
  const t0 = performance.now();
  engine.pool!.start();
  for (;;) {
    const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_missions WHERE status IN ('approved','running')`);
    if (r.rows[0]!.n === 0) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  await engine.stop();
  await db.close();
  return s.throughputSteps / seconds;
}

async function onDatabase(label: 'PGlite' | 'PostgreSQL', open: () => Promise<Db>, s: Scale): Promise<Figure[]> {
  const lat = summarize(await engineLatency(open, s));
  const tput = await engineThroughput(open, s);
  const bareDb = await migrated(await open());
  const bare = await bareSqlQueue(bareDb, { latencySamples: s.latencySamples, warmup: s.warmup, throughputSteps: s.throughputSteps, loops: s.concurrency });
  await bareDb.close();
  const bareLat = summarize(bare.latency);
  return [
    {
      name: `claim→start p50, in-process (${label})`,
      value: lat.p50,
      unit: 'ms',
      reference: { name: 'bare SQL claim p50', value: bareLat.p50, unit: 'ms' },
      ratio: lat.p50 / bareLat.p50,
      target: label === 'PGlite' ? '≤ 1 ms' : '≤ graphile-worker',
      notes: `${lat.n} samples, one step at a time (each queued once the one before is recorded): enqueue commit → bus wake → executor start`,
    },
    {
      name: `claim→start p99, in-process (${label})`,
      value: lat.p99,
      unit: 'ms',
      reference: { name: 'bare SQL claim p99', value: bareLat.p99, unit: 'ms' },
      ratio: lat.p99 / bareLat.p99,
      notes: `${lat.n} samples`,
    },
    {
      name: `no-op step throughput, concurrency ${s.concurrency} (${label})`,
      value: tput,
      unit: 'steps/s',
      reference: { name: `bare SQL claim/complete, ${s.concurrency} loops`, value: bare.throughput, unit: 'steps/s' },
      ratio: tput / bare.throughput,
      target: label === 'PGlite' ? '≥ 0.5× bare' : '≥ 1.0× graphile-worker',
      notes: `${s.throughputSteps} steps; ours also writes a step event and a mission event and finalizes the mission per step`,
    },
  ];
}

export async function stepQueueInProcess(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const s: Scale = env.quick
    ? { latencySamples: 200, warmup: 20, throughputSteps: 500, concurrency: 4 }
    : { latencySamples: 1000, warmup: 50, throughputSteps: 3000, concurrency: 4 };
  (await onDatabase('PGlite', () => PgliteDb.open(), s)).forEach(emit);
  (await onDatabase('PostgreSQL', async () => PostgresDb.open({ url: await env.freshPostgresUrl() }), s)).forEach(emit);
}
