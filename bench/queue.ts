/**
 * The step queue: claim→start latency and no-op throughput through the real
 * engine (proposal-free bulk enqueue, real WorkerPool, each step also writes its
 * event and finalizes its mission), beside a bare SQL claim/complete loop on
 * the same database — the limit the engine can approach.
 */
import os from 'node:os';
import type { Db } from '../core/db/db.ts';
import { createEngine, type Engine } from '../core/engine.ts';
import { SystemClock } from '../core/ports/clock.ts';
import { silentLog } from '../core/ports/log.ts';
import { SeededRandom } from '../core/ports/random.ts';
import { getPolicy, setPolicy } from '../core/ops/policy.ts';
import type { Executor } from '../core/workers/executor.ts';
import { summarize, type Figure } from './lib.ts';

export interface QueueBenchOptions {
  label: string;
  open: () => Promise<Db>;
  latencySamples: number;
  throughputSteps: number;
  concurrency: number;
}

async function enqueue(db: Db, n: number, kind: string): Promise<void> {
  const now = new Date().toISOString();
  await db.query(
    `WITH m AS (
       INSERT INTO ops_missions (title, status, created_by, created_at)
       SELECT 'bench ' || g, 'approved', 'opus', $1 FROM generate_series(1, $2) g RETURNING id)
     INSERT INTO ops_mission_steps (mission_id, seq, kind, payload, status, run_after, created_at)
     SELECT id, 0, $3, '{}'::jsonb, 'queued', $1, $1 FROM m`,
    [now, n, kind],
  );
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

/** Latency from the commit that queued a step to its executor starting, one step at a time. */
async function engineLatency(o: QueueBenchOptions): Promise<number[]> {
  const db = await o.open();
  let started: (() => void) | null = null;
  const exec: Executor = {
    kind: 'noop',
    async run() {
      started?.();
      return {};
    },
  };
  const engine = await engineOn(db, exec, 1);
  engine.pool!.start();
  const samples: number[] = [];
  for (let i = 0; i < o.latencySamples + 50; i++) {
    const startedP = new Promise<void>((r) => (started = r));
    await enqueue(db, 1, 'noop');
    const t0 = performance.now();
    engine.ctx.bus.wake('noop'); // what createMission does after its commit
    await startedP;
    if (i >= 50) samples.push(performance.now() - t0); // warm-up excluded
  }
  await engine.stop();
  await db.close();
  return samples;
}

async function engineThroughput(o: QueueBenchOptions): Promise<number> {
  const db = await o.open();
  const exec: Executor = { kind: 'noop', run: async () => ({}) };
  const engine = await engineOn(db, exec, o.concurrency);
  await enqueue(db, o.throughputSteps, 'noop');
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
  return o.throughputSteps / seconds;
}

/** The limit: claim with SKIP LOCKED and mark done, nothing else (no event, no mission). */
async function bareLoop(o: QueueBenchOptions): Promise<{ latency: number[]; throughput: number }> {
  const db = await o.open();
  await createEngine({ db, clock: new SystemClock(), random: new SeededRandom(1), log: silentLog, location: 'bench', workers: false, heartbeat: false });
  const claim = async (): Promise<number | null> => {
    const r = await db.query<{ id: number }>(
      `UPDATE ops_mission_steps SET status = 'running', reserved_by = 'bare', heartbeat_at = $1, attempts = attempts + 1
       WHERE id = (SELECT id FROM ops_mission_steps WHERE status = 'queued' AND kind = 'bare' AND run_after <= $1 ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [new Date().toISOString()],
    );
    return r.rows[0]?.id ?? null;
  };
  const complete = (id: number) => db.query(`UPDATE ops_mission_steps SET status = 'succeeded', finished_at = $2 WHERE id = $1`, [id, new Date().toISOString()]);
  const latency: number[] = [];
  for (let i = 0; i < o.latencySamples + 50; i++) {
    await enqueue(db, 1, 'bare');
    const t0 = performance.now();
    const id = await claim();
    if (i >= 50) latency.push(performance.now() - t0);
    await complete(id!);
  }
  await enqueue(db, o.throughputSteps, 'bare');
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      for (;;) {
        const id = await claim();
        if (id === null) return;
        await complete(id);
      }
    }),
  );
  const throughput = o.throughputSteps / ((performance.now() - t0) / 1000);
  await db.close();
  return { latency, throughput };
}

export async function queueBench(o: QueueBenchOptions): Promise<Figure[]> {
  const lat = summarize(await engineLatency(o));
  const tput = await engineThroughput(o);
  const bare = await bareLoop(o);
  const bareLat = summarize(bare.latency);
  return [
    {
      name: `claim→start p50, in-process (${o.label})`,
      value: lat.p50,
      unit: 'ms',
      reference: { name: 'bare SQL claim p50', value: bareLat.p50, unit: 'ms' },
      ratio: lat.p50 / bareLat.p50,
      target: o.label === 'PGlite' ? '≤ 1 ms' : '≤ graphile-worker',
      notes: `${lat.n} samples`,
    },
    {
      name: `claim→start p99, in-process (${o.label})`,
      value: lat.p99,
      unit: 'ms',
      reference: { name: 'bare SQL claim p99', value: bareLat.p99, unit: 'ms' },
      ratio: lat.p99 / bareLat.p99,
    },
    {
      name: `no-op step throughput, concurrency ${o.concurrency} (${o.label})`,
      value: tput,
      unit: 'steps/s',
      reference: { name: `bare SQL claim/complete, ${o.concurrency} loops`, value: bare.throughput, unit: 'steps/s' },
      ratio: tput / bare.throughput,
      target: o.label === 'PGlite' ? '≥ 0.5× bare' : '≥ 1.0× graphile-worker',
      notes: 'ours also writes a step event and a mission event and finalizes the mission per step',
    },
  ];
}

export const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
