/**
 * The step queue across processes on PostgreSQL: claim→start latency and no-op
 * throughput with 1 and 4 `npm run worker` processes (the compiled `dist/cli/worker.js` with
 * package.json's node flags; kind `wait`, payload
 * {} — a real no-op executor), beside graphile-worker (concurrency 4, as many
 * processes as ours) and pg-boss (4 workers) running no-op jobs in their own
 * processes on the same server, and a bare SQL claim/complete loop (the limit),
 * all in the same run.
 *
 * Latency, the same way for ours and graphile-worker: the bench process adds one job at a time,
 * open loop (mean 100 jobs/s, jittered), each add one statement whose last row carries the
 * server's clock just before it commits; the job's start is when the worker handed it to its
 * executor (ours print it with --trace-starts) or the reference's handler started, on
 * CLOCK_MONOTONIC in every process (process.hrtime). The server's timestamps are put on that clock
 * through the offset between the two clocks (checked against the server first: see
 * serverClockOnMono), so commit → start is exact to a few µs across processes. The commit is taken
 * from the server, not from when the adder saw its reply: with several workers listening, every
 * add wakes them all at its commit and they crowd the adder off the CPUs, so its reply came
 * 0.3–0.8 ms after the first worker already had the NOTIFY, by an amount that depended on the
 * other system's processes rather than on either queue. Ours and graphile-worker's are measured
 * together: the adds alternate between the two (each still sees 100 a second), so a machine that
 * is slower one minute than the next slows both alike. pg-boss, which polls, is timed from its
 * adder seeing the commit.
 *
 * Throughput: N jobs added in one statement, measured from the first start to
 * the queue seen empty (polled every 20 ms) — the sustained rate, so an idle
 * poller's first wake-up does not count.
 */
import pg from 'pg';
import PgBoss from 'pg-boss';
import { makeWorkerUtils } from 'graphile-worker';
import { PostgresDb } from '../core/db/postgres.ts';
import { createEngine } from '../core/engine.ts';
import { getPolicy, setPolicy } from '../core/ops/policy.ts';
import { SystemClock } from '../core/ports/clock.ts';
import { silentLog } from '../core/ports/log.ts';
import { SeededRandom } from '../core/ports/random.ts';
import { monoNow, scriptNodeFlags, seeded, sleep, until, type BenchEnv, type Child } from './harness.ts';
import { summarize, type Figure } from './lib.ts';
import { buildCli } from '../test/support/serve-process.ts';
import { bareSqlQueue, enqueueSteps, migrated } from './step-fixtures.ts';
import { STEP_QUEUED_CHANNEL } from '../core/db/db.ts';

interface Scale {
  samples: number;
  warmup: number;
  throughputJobs: number;
  /** Mean gap between latency adds (ms); each gap is uniform in [0.5, 1.5] × this. */
  gapMs: number;
}

interface SystemResult {
  latency: number[];
  throughput: number;
  /** Jobs per second from the add commit to the queue seen empty (includes the first wake-up). */
  fromCommit: number;
}

const CONCURRENCY = 4;
const PG_BOSS = { workers: 4, batchSize: 100, pollSeconds: 2 };
const GRAPHILE_POLL_MS = 2000;
/**
 * The server's clock (CLOCK_REALTIME) in ms with µs precision. Read in the statement that adds a
 * job, after the add's work (its constraint checks too), it is the moment just before the commit
 * (with fsync off the commit follows within tens of µs).
 */
const SERVER_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::float8';

/**
 * Our latency adds: a one-step mission queued by a PL/pgSQL function, as graphile-worker's
 * add_job is one, so in both the add's statements — foreign-key checks included — have run
 * before SERVER_MS is read after it (a plain statement checks its foreign keys after its last
 * row, so a timestamp in that row would come ~0.1–0.2 ms before the commit and count against us).
 */
const ADD_STEP_FUNCTION = `CREATE FUNCTION bench_add_step(p_kind text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE step_id bigint;
BEGIN
  WITH m AS (INSERT INTO ops_missions (title, status, created_by, created_at) VALUES ('bench', 'approved', 'opus', now()) RETURNING id)
  INSERT INTO ops_mission_steps (mission_id, seq, kind, payload, status, run_after, created_at)
  -- to the ms, as the workers' clock reads (a run_after µs past their now would wait for the next ms)
  SELECT id, 0, p_kind, '{}', 'queued', date_trunc('milliseconds', now()), now() FROM m RETURNING id INTO step_id;
  PERFORM pg_notify('${STEP_QUEUED_CHANNEL}', p_kind);
  RETURN step_id;
END $$`;

/** How a reference names graphile-worker's process count (said only when more than one). */
const gwProcesses = (n: number): string => (n === 1 ? '' : `, ${n} processes`);

/**
 * Adds `total` jobs one at a time, open loop; returns i → commit time on `clock`: the time the add
 * reports (the server's, see serverClockOnMono), or when it resolved.
 */
async function openLoop(total: number, gapMs: number, clock: () => number, add: (i: number) => Promise<number | void>): Promise<Map<number, number>> {
  const rnd = seeded(7);
  const commits = new Map<number, number>();
  for (let i = 0; i < total; i++) {
    const at = await add(i);
    commits.set(i, at ?? clock());
    await sleep(gapMs * (0.5 + rnd()));
  }
  return commits;
}

/**
 * Turns the server's clock_timestamp() (CLOCK_REALTIME, as SERVER_MS reads it) into this machine's
 * CLOCK_MONOTONIC, which the workers stamp their starts with: performance.timeOrigin is the wall
 * time at performance.now()'s origin, so wall − monotonic is known here to the µs. Checked first:
 * a timestamp the server reads must fall inside the round trip that read it (off by more than
 * 0.05 ms in more than 1 of 200 tries means the clocks cannot be compared; the bench stops).
 */
async function serverClockOnMono(url: string): Promise<(serverMs: number) => number> {
  const wallMinusMono = performance.timeOrigin + performance.now() - monoNow();
  const toMono = (serverMs: number): number => serverMs - wallMinusMono;
  const c = await plainClient(url);
  try {
    let outside = 0;
    for (let k = 0; k < 200; k++) {
      const sent = monoNow();
      const r = await c.query<{ at: number }>(`SELECT ${SERVER_MS} AS at`);
      const back = monoNow();
      const at = toMono(Number(r.rows[0]!.at));
      if (at < sent - 0.05 || at > back + 0.05) outside++;
    }
    if (outside > 1) throw new Error(`The server's clock and this process's disagree: ${outside} of 200 server timestamps fell outside the round trip that read them.`);
  } finally {
    await c.end();
  }
  return toMono;
}

function latencies(commits: Map<number, number>, starts: Map<number, number>, warmup: number): number[] {
  const out: number[] = [];
  for (const [i, commitAt] of commits) {
    if (i < warmup) continue;
    const startAt = starts.get(i);
    if (startAt === undefined) throw new Error(`job ${i} never started`);
    out.push(startAt - commitAt);
  }
  return out;
}

async function dumpStarts(child: Child): Promise<Map<number, number>> {
  const marker = `STARTS`;
  const before = child.next(new RegExp(`^${marker} `));
  child.send('dump');
  const line = await before;
  return new Map(JSON.parse(line.slice(marker.length + 1)) as [number, number][]);
}

async function count(pool: pg.Pool, sql: string): Promise<number> {
  const r = await pool.query<{ n: number }>(sql);
  return Number(r.rows[0]!.n);
}

/**
 * A plain node-postgres client: what a latency run adds through, one per system (one prepared
 * statement per add, an implicit transaction, one small row back with the server's clock), and
 * what the clocks are compared over (serverClockOnMono).
 */
async function plainClient(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

/**
 * One side of a paired latency run: adds one job keyed `i`, resolving once its add has committed
 * with when it committed (the server's clock on CLOCK_MONOTONIC), and when every added job has
 * run, reads when each started.
 */
interface LatencySide {
  add(i: number): Promise<number>;
  starts(): Promise<Map<number, number>>;
}

/**
 * Latency of two systems measured together: the adds alternate between them (each sees one
 * every `gapMs` on average, jittered, open loop), so both are measured over the same seconds of
 * a machine whose speed drifts from minute to minute. Returns each side's add-commit → start.
 */
async function pairedLatency(a: LatencySide, b: LatencySide, s: Scale): Promise<[number[], number[]]> {
  const commits = await openLoop(2 * (s.samples + s.warmup), s.gapMs / 2, monoNow, (k) => (k % 2 === 0 ? a : b).add(Math.floor(k / 2)));
  const split = (side: 0 | 1): Map<number, number> => new Map([...commits].filter(([k]) => k % 2 === side).map(([k, t]) => [Math.floor(k / 2), t]));
  const [sa, sb] = await Promise.all([a.starts(), b.starts()]);
  return [latencies(split(0), sa, s.warmup), latencies(split(1), sb, s.warmup)];
}

/** Ours: `processes` × `npm run worker` --kinds wait, kind concurrency 4 (the workers policy). */
async function startOurs(env: BenchEnv, s: Scale, toMono: (serverMs: number) => number, processes: number, pollMs?: number): Promise<LatencySide & { throughput(): Promise<Omit<SystemResult, 'latency'>>; close(): Promise<void> }> {
  const url = await env.freshPostgresUrl();
  const db = await PostgresDb.open({ url });
  const adder = await plainClient(url);
  const children: Child[] = [];
  const ids = new Map<number, number>();
  const close = async (): Promise<void> => {
    await Promise.all(children.map((c) => c.stop()));
    await adder.end();
    await db.close();
  };
  try {
    const engine = await createEngine({ db, clock: new SystemClock(), random: new SeededRandom(1), log: silentLog, location: 'bench', workers: false, heartbeat: false });
    await db.exec(ADD_STEP_FUNCTION);
    const w = await getPolicy(db, 'workers');
    await setPolicy(engine.ctx, 'workers', { kinds: { ...w.kinds, wait: { enabled: true, concurrency: CONCURRENCY } } });
    for (let p = 0; p < processes; p++) {
      const args = ['--database-url', url, '--kinds', 'wait', '--log-level', 'warn', '--worker-id', `bench-${p}`, '--trace-starts', String(s.samples + s.warmup)];
      if (pollMs) args.push('--poll-ms', String(pollMs));
      children.push(env.spawnCommand(`worker ${p}`, process.execPath, [...scriptNodeFlags('worker', 'worker'), 'dist/cli/worker.js', ...args]));
    }
    await Promise.all(children.map((c) => c.waitFor(/running kinds/)));
  } catch (err) {
    await close();
    throw err;
  }
  return {
    async add(i) {
      const r = await adder.query<{ id: string; serverMs: number }>({
        name: 'add',
        text: `WITH j AS (SELECT bench_add_step($1::text) AS id) SELECT id, ${SERVER_MS} AS "serverMs" FROM j`,
        values: ['wait'],
      });
      ids.set(i, Number(r.rows[0]!.id));
      return toMono(Number(r.rows[0]!.serverMs));
    },
    async starts() {
      const stepIds = [...ids.values()];
      await until('the latency steps to finish', async () => {
        const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_mission_steps WHERE id = ANY($1::bigint[]) AND status <> 'succeeded'`, [stepIds]);
        return r.rows[0]!.n === 0;
      });
      // each worker prints when it started a step, on the monotonic clock the commits were noted on
      const startById = new Map<number, number>();
      for (const c of children) {
        for (const line of c.lines()) {
          const m = /^STEP_STARTED (\d+) ([\d.]+)$/.exec(line);
          if (m) startById.set(Number(m[1]), Number(m[2]));
        }
      }
      return new Map([...ids].map(([i, id]) => [i, startById.get(id)!]));
    },
    async throughput() {
      const last = Math.max(0, ...ids.values());
      await enqueueSteps(db, s.throughputJobs, 'wait');
      const committedAt = Date.now();
      await until('the throughput steps to finish', async () => {
        const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_mission_steps WHERE status IN ('queued', 'running')`);
        return r.rows[0]!.n === 0;
      });
      const drainedAt = Date.now();
      const first = await db.query<{ at: string }>(`SELECT min(started_at) AS at FROM ops_mission_steps WHERE kind = 'wait' AND id > $1`, [last]);
      const firstStart = Date.parse(first.rows[0]!.at);
      return { throughput: s.throughputJobs / ((drainedAt - firstStart) / 1000), fromCommit: s.throughputJobs / ((drainedAt - committedAt) / 1000) };
    },
    close,
  };
}

/**
 * graphile-worker: `processes` worker processes, concurrency 4 each, no-op task. Each LISTENs,
 * so, like ours, every add wakes all of them and they race for the job.
 */
async function startGraphile(env: BenchEnv, s: Scale, toMono: (serverMs: number) => number, processes = 1): Promise<LatencySide & { throughput(): Promise<Omit<SystemResult, 'latency'>>; close(): Promise<void> }> {
  const url = await env.freshPostgresUrl();
  // the first migrates the schema; the rest start once it has
  const children = [env.spawnTsx('graphile-worker', 'bench/children/graphile-worker.ts', [url, String(CONCURRENCY)])];
  await children[0]!.waitFor(/^READY/);
  for (let p = 1; p < processes; p++) children.push(env.spawnTsx(`graphile-worker ${p}`, 'bench/children/graphile-worker.ts', [url, String(CONCURRENCY)]));
  await Promise.all(children.map((c) => c.waitFor(/^READY/)));
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const utils = await makeWorkerUtils({ connectionString: url });
  const adder = await plainClient(url);
  const left = (): Promise<number> => count(pool, 'SELECT count(*)::int AS n FROM graphile_worker._private_jobs');
  const allStarts = async (): Promise<Map<number, number>> => new Map((await Promise.all(children.map(dumpStarts))).flatMap((m) => [...m]));
  let round = 0;
  return {
    async add(i) {
      // what utils.addJob runs, with the server's clock read after it, as ours is
      const r = await adder.query<{ serverMs: number }>({
        name: 'add',
        text: `WITH j AS (SELECT id FROM graphile_worker.add_job(identifier => $1::text, payload => $2::json)) SELECT id, ${SERVER_MS} AS "serverMs" FROM j`,
        values: ['noop', JSON.stringify({ i: round * 100_000 + i })],
      });
      return toMono(Number(r.rows[0]!.serverMs));
    },
    async starts() {
      await until('graphile-worker to finish the latency jobs', async () => (await left()) === 0);
      const base = round++ * 100_000;
      const all = await allStarts();
      return new Map([...all].map(([k, t]) => [k - base, t]));
    },
    async throughput() {
      const base = 10_000_000;
      await utils.addJobs(Array.from({ length: s.throughputJobs }, (_, k) => ({ identifier: 'noop', payload: { i: base + k } })));
      const committedAt = monoNow();
      await until('graphile-worker to finish the throughput jobs', async () => (await left()) === 0);
      const drainedAt = monoNow();
      const tStarts = await allStarts();
      const firstStart = Math.min(...tStarts.values());
      if (tStarts.size !== s.throughputJobs) throw new Error(`graphile-worker ran ${tStarts.size} of ${s.throughputJobs} jobs`);
      return { throughput: s.throughputJobs / ((drainedAt - firstStart) / 1000), fromCommit: s.throughputJobs / ((drainedAt - committedAt) / 1000) };
    },
    async close() {
      await adder.end();
      await utils.release();
      await Promise.all(children.map((c) => c.stop()));
      await pool.end();
    },
  };
}

async function pgBoss(env: BenchEnv, s: Scale): Promise<SystemResult> {
  const url = await env.freshPostgresUrl();
  const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false, max: 2 });
  boss.on('error', (e) => console.error('pg-boss (producer) error', e));
  await boss.start(); // migrates the schema
  await boss.createQueue('noop');
  const child = env.spawnTsx('pg-boss', 'bench/children/pg-boss.ts', [url, String(PG_BOSS.workers), String(PG_BOSS.batchSize), String(PG_BOSS.pollSeconds)]);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await child.waitFor(/^READY/);
    const left = (): Promise<number> => count(pool, `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'noop' AND state < 'completed'`);
    const commits = await openLoop(s.samples + s.warmup, s.gapMs, monoNow, async (i) => {
      await boss.send('noop', { i });
    });
    await until('pg-boss to finish the latency jobs', async () => (await left()) === 0);
    const starts = await dumpStarts(child);

    const base = 1_000_000;
    await boss.insert(Array.from({ length: s.throughputJobs }, (_, k) => ({ name: 'noop', data: { i: base + k } })));
    const committedAt = monoNow();
    await until('pg-boss to finish the throughput jobs', async () => (await left()) === 0);
    const drainedAt = monoNow();
    const tStarts = await dumpStarts(child);
    if (tStarts.size !== s.throughputJobs) throw new Error(`pg-boss ran ${tStarts.size} of ${s.throughputJobs} jobs`);
    const firstStart = Math.min(...tStarts.values());
    return {
      latency: latencies(commits, starts, s.warmup),
      throughput: s.throughputJobs / ((drainedAt - firstStart) / 1000),
      fromCommit: s.throughputJobs / ((drainedAt - committedAt) / 1000),
    };
  } finally {
    await child.stop();
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    await pool.end();
  }
}

export async function stepQueueWorkerProcesses(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  await buildCli();
  const s: Scale = env.quick
    ? { samples: 200, warmup: 20, throughputJobs: 500, gapMs: 10 }
    : { samples: 1000, warmup: 50, throughputJobs: 3000, gapMs: 10 };
  const loop = `${s.samples} samples, open loop ≈ ${Math.round(1000 / s.gapMs)} adds/s`;
  const how = `${loop}; add commit (the server's clock as the add statement ends) → start`;

  const boss = await pgBoss(env, s);
  const bossLat = summarize(boss.latency);
  const bareDb = await migrated(await PostgresDb.open({ url: await env.freshPostgresUrl() }));
  const bare = await bareSqlQueue(bareDb, { latencySamples: 0, warmup: 0, throughputSteps: s.throughputJobs, loops: CONCURRENCY });
  await bareDb.close();

  const gwName = `graphile-worker, concurrency ${CONCURRENCY}`;
  const bossName = `pg-boss, ${PG_BOSS.workers} workers × batch ${PG_BOSS.batchSize}, poll ${PG_BOSS.pollSeconds} s`;
  const bareName = `bare SQL claim/complete, ${CONCURRENCY} loops`;
  const configs: { label: string; processes: number; pollMs?: number }[] = [
    { label: '1 worker process', processes: 1 },
    { label: '4 worker processes', processes: 4 },
    { label: '1 worker process, --poll-ms 50', processes: 1, pollMs: 50 },
  ];
  // graphile-worker runs beside each of our configurations, with as many processes (so every add
  // wakes as many listeners on both sides); its latency is measured in the same seconds as ours
  // (pairedLatency), its throughput once (1 process), after them
  const toMono = await serverClockOnMono(await env.freshPostgresUrl());
  const graphile = await startGraphile(env, s, toMono);
  const paired: { c: (typeof configs)[number]; ours: number[]; theirs: number[]; tput: Omit<SystemResult, 'latency'> }[] = [];
  let gw: Omit<SystemResult, 'latency'>;
  try {
    for (const c of configs) {
      const o = await startOurs(env, s, toMono, c.processes, c.pollMs);
      let theirSide: Awaited<ReturnType<typeof startGraphile>> | null = null;
      try {
        theirSide = c.processes === 1 ? graphile : await startGraphile(env, s, toMono, c.processes);
        const [ours, theirs] = await pairedLatency(o, theirSide, s);
        paired.push({ c, ours, theirs, tput: await o.throughput() });
      } finally {
        await o.close();
        if (theirSide && theirSide !== graphile) await theirSide.close();
      }
    }
    gw = await graphile.throughput();
  } finally {
    await graphile.close();
  }
  const beside1 = paired.filter((p) => p.c.processes === 1);
  const gwLat = summarize(beside1.flatMap((p) => p.theirs));
  emit({
    name: `add→start p50, graphile-worker (PostgreSQL)`,
    value: gwLat.p50,
    unit: 'ms',
    notes: `${gwName}, 1 process, ${how}, ${beside1.length} runs, each beside one of ours (adds alternating); LISTEN/NOTIFY wake-up, pollInterval ${GRAPHILE_POLL_MS} ms; own process`,
  });
  emit({ name: `add→start p99, graphile-worker (PostgreSQL)`, value: gwLat.p99, unit: 'ms' });
  emit({
    name: `no-op job throughput, graphile-worker (PostgreSQL)`,
    value: gw.throughput,
    unit: 'jobs/s',
    reference: { name: bareName, value: bare.throughput, unit: 'steps/s' },
    ratio: gw.throughput / bare.throughput,
    notes: `${gwName}; ${s.throughputJobs} jobs, first start → queue empty; from the add commit: ${gw.fromCommit.toFixed(0)}/s`,
  });
  emit({
    name: `add→start p50, pg-boss (PostgreSQL)`,
    value: bossLat.p50,
    unit: 'ms',
    notes: `${bossName}, ${loop}; add commit (seen by the adder) → start; pg-boss polls (no LISTEN/NOTIFY); own process`,
  });
  emit({ name: `add→start p99, pg-boss (PostgreSQL)`, value: bossLat.p99, unit: 'ms' });
  emit({
    name: `no-op job throughput, pg-boss (PostgreSQL)`,
    value: boss.throughput,
    unit: 'jobs/s',
    reference: { name: bareName, value: bare.throughput, unit: 'steps/s' },
    ratio: boss.throughput / bare.throughput,
    notes: `${bossName}; a worker waits out its poll interval after every fetch, so ≤ workers × batch / poll; from the add commit: ${boss.fromCommit.toFixed(0)}/s`,
  });

  for (const { c, ours, theirs, tput: r } of paired) {
    const lat = summarize(ours);
    const their = summarize(theirs);
    const poll = c.pollMs ? `--poll-ms ${c.pollMs}` : 'default poll (2000 ms)';
    const common = `kind wait, concurrency ${CONCURRENCY} per process, ${poll}; a step queued in another process wakes the workers through NOTIFY at commit; polling is the fallback`;
    emit({
      name: `claim→start p50, ${c.label} (PostgreSQL)`,
      value: lat.p50,
      unit: 'ms',
      reference: { name: `${gwName}${gwProcesses(c.processes)} p50, measured alongside`, value: their.p50, unit: 'ms' },
      ratio: lat.p50 / their.p50,
      target: '≤ graphile-worker',
      notes: `${how} (the worker's --trace-starts line; both on CLOCK_MONOTONIC), adds alternating with graphile-worker's (as many processes as ours); ${common}`,
    });
    emit({
      name: `claim→start p99, ${c.label} (PostgreSQL)`,
      value: lat.p99,
      unit: 'ms',
      reference: { name: `${gwName}${gwProcesses(c.processes)} p99, measured alongside`, value: their.p99, unit: 'ms' },
      ratio: lat.p99 / their.p99,
      target: '≤ 2× graphile-worker',
    });
    emit({
      name: `claim→start p50 vs pg-boss, ${c.label} (PostgreSQL)`,
      value: lat.p50,
      unit: 'ms',
      reference: { name: `pg-boss p50`, value: bossLat.p50, unit: 'ms' },
      ratio: lat.p50 / bossLat.p50,
    });
    emit({
      name: `no-op step throughput, ${c.label} (PostgreSQL)`,
      value: r.throughput,
      unit: 'steps/s',
      reference: { name: gwName, value: gw.throughput, unit: 'jobs/s' },
      ratio: r.throughput / gw.throughput,
      target: '≥ 1.0× graphile-worker',
      notes: `${s.throughputJobs} steps, first start → queue empty; from the add commit: ${r.fromCommit.toFixed(0)}/s; ${common}; each step also writes 2 events and finalizes its mission`,
    });
    emit({
      name: `no-op step throughput vs pg-boss, ${c.label} (PostgreSQL)`,
      value: r.throughput,
      unit: 'steps/s',
      reference: { name: 'pg-boss', value: boss.throughput, unit: 'jobs/s' },
      ratio: r.throughput / boss.throughput,
      target: '≥ 3× pg-boss',
    });
    emit({
      name: `no-op step throughput vs bare SQL, ${c.label} (PostgreSQL)`,
      value: r.throughput,
      unit: 'steps/s',
      reference: { name: bareName, value: bare.throughput, unit: 'steps/s' },
      ratio: r.throughput / bare.throughput,
    });
  }
}
