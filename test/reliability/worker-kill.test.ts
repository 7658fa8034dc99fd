/**
 * Worker crashes on PostgreSQL. 8 worker processes (the real engine and pool,
 * test/reliability/children/probe-worker.ts) run 10,000 probe steps, each of
 * which acts once on an external ledger through once(); the test SIGKILLs
 * random workers and starts new ones, and separately restarts PostgreSQL under
 * load. The ledger counts every act per idempotency key, so "never acts twice"
 * is counted where the effect lands, not where it is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../core/db/db.ts';
import { PostgresDb } from '../../core/db/postgres.ts';
import { coreHeartbeatJobs, createEngine, type Engine } from '../../core/engine.ts';
import { Heartbeat } from '../../core/ops/heartbeat.ts';
import { getPolicy, setPolicy } from '../../core/ops/policy.ts';
import { SystemClock } from '../../core/ports/clock.ts';
import { memoryLog } from '../../core/ports/log.ts';
import { SeededRandom } from '../../core/ports/random.ts';
import { createDatabase, startPostgresCluster, type PostgresCluster } from '../support/postgres.ts';
import { queueProbeMissions, spawnWorker, startLedger, tally, type Ledger, type ProbeWorker } from './probe-fleet.ts';

const FLEET = 8;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms)); // between polls of a condition, never to synchronise

interface Run {
  db: Db;
  url: string;
  engine: Engine;
  heartbeat: Heartbeat;
  ledger: Ledger;
  workers: ProbeWorker[];
  spawn(): ProbeWorker;
  close(): Promise<void>;
}

/**
 * A fresh database, the test process's engine (no workers) running the real
 * heartbeat's stale-step recovery, short leases through policy, and a fleet.
 */
async function prepare(cluster: PostgresCluster, missions: number, ms: number): Promise<Run> {
  const url = await createDatabase(cluster.url);
  const db = await PostgresDb.open({ url });
  const clock = new SystemClock();
  const engine = await createEngine({ db, clock, random: new SeededRandom(12), log: memoryLog(), location: 'pg', processId: 'test-heartbeat', workers: false, heartbeat: false });
  const hb = await getPolicy(db, 'heartbeat_policy');
  // a lease is renewed every 2 s by the workers; 30 s without renewal is a dead worker; recovery looks every 6 s
  await setPolicy(engine.ctx, 'heartbeat_policy', { ...hb, interval_minutes: 0.1, stale_step_minutes: 0.5 });
  await setPolicy(engine.ctx, 'step_retry_policy', { max_attempts: 20, backoff_base_seconds: 0.2, backoff_max_seconds: 2 });
  const w = await getPolicy(db, 'workers');
  await setPolicy(engine.ctx, 'workers', { kinds: { ...w.kinds, effect_probe: { enabled: true, concurrency: 4 } } });
  await queueProbeMissions(db, new Date().toISOString(), missions, 2, ms);
  const heartbeat = new Heartbeat(engine.ctx, coreHeartbeatJobs());
  await heartbeat.start();
  const ledger = await startLedger();
  const workers: ProbeWorker[] = [];
  let n = 0;
  const spawn = (): ProbeWorker => {
    const worker = spawnWorker(url, ledger.url, `w${++n}`);
    workers.push(worker);
    return worker;
  };
  for (let i = 0; i < FLEET; i++) spawn();
  await Promise.all(workers.map((x) => x.ready));
  return {
    db,
    url,
    engine,
    heartbeat,
    ledger,
    workers,
    spawn,
    async close() {
      await Promise.all(workers.filter((x) => x.child.exitCode === null && x.child.signalCode === null).map((x) => {
        x.child.kill('SIGTERM');
        return x.exited;
      }));
      await heartbeat.stop();
      await engine.stop();
      await ledger.close();
      await db.close();
    },
  };
}

/** The ledger's view: how many keys were acted on, and how many more than once. */
function ledgerFigures(ledger: Ledger): { keys: number; twice: number } {
  return { keys: ledger.acts.size, twice: [...ledger.acts.values()].filter((n) => n > 1).length };
}

describe('worker processes on PostgreSQL under SIGKILL and restart', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster(); // its own server: the restart below must not hit other suites
  });
  afterAll(async () => cluster?.stop());

  it('8 workers, 10,000 steps, ≥ 20 SIGKILLs: every step succeeds exactly once, nothing acts twice, re-claim ≤ 60 s', async () => {
    const MISSIONS = 5000;
    const STEPS = MISSIONS * 2;
    const KILLS = 24;
    const run = await prepare(cluster, MISSIONS, 25);
    const random = new SeededRandom(2026);
    const t0 = performance.now();
    const kills: { worker: string; orphans: number }[] = [];
    const watch = new Map<number, { worker: string; at: number }>();
    const reclaimMs: number[] = [];
    let t: Awaited<ReturnType<typeof tally>>;
    try {
      for (;;) {
        if (performance.now() - t0 > 28 * 60_000) throw new Error(`not done in 28 minutes: ${JSON.stringify(await tally(run.db))}`);
        const t = await tally(run.db);
        if (t.open === 0 && watch.size === 0) break;
        const live = run.workers.filter((w) => w.isReady());
        if (kills.length < KILLS && t.succeeded >= ((kills.length + 1) * STEPS) / (KILLS + 10) && live.length >= 3) {
          const victim = live[Math.floor(random.next() * live.length)]!;
          victim.child.kill('SIGKILL');
          await victim.exited;
          const at = performance.now();
          const held = await run.db.query<{ id: number }>(`SELECT id FROM ops_mission_steps WHERE status = 'running' AND reserved_by = $1`, [victim.id]);
          for (const r of held.rows) {
            // a step re-claimed from an earlier victim by this one, between two looks: that re-claim counts now
            const prev = watch.get(r.id);
            if (prev && prev.worker !== victim.id) reclaimMs.push(at - prev.at);
            watch.set(r.id, { worker: victim.id, at });
          }
          kills.push({ worker: victim.id, orphans: held.rows.length });
          run.spawn();
        }
        if (watch.size) {
          const rows = await run.db.query<{ id: number; status: string; reservedBy: string | null }>(
            `SELECT id, status, reserved_by AS "reservedBy" FROM ops_mission_steps WHERE id = ANY($1::bigint[])`,
            [[...watch.keys()]],
          );
          const now = performance.now();
          for (const r of rows.rows) {
            const w = watch.get(r.id)!;
            // re-claimed: running under another worker, or already finished by one
            if (r.status === 'succeeded' || (r.status === 'running' && r.reservedBy !== w.worker)) {
              reclaimMs.push(now - w.at);
              watch.delete(r.id);
            }
          }
        }
        await pause(200);
      }
      t = await tally(run.db);
    } finally {
      await run.close();
    }
    const lg = ledgerFigures(run.ledger);
    const orphans = kills.reduce((n, k) => n + k.orphans, 0);
    const figures = {
      steps: t.steps,
      succeeded: t.succeeded,
      kills: kills.length,
      orphanedSteps: orphans,
      reclaimMaxS: Math.round(Math.max(...reclaimMs) / 100) / 10,
      reclaimMedianS: Math.round(reclaimMs.sort((a, b) => a - b)[Math.floor(reclaimMs.length / 2)]! / 100) / 10,
      stepsRunAgain: t.rerun,
      settledByLookup: run.ledger.lookups.found,
      lookupFoundNothing: run.ledger.lookups.missing,
      ledgerKeys: lg.keys,
      actedTwice: lg.twice,
      minutes: Math.round((performance.now() - t0) / 6000) / 10,
    };
    console.log(`worker-kill figures ${JSON.stringify(figures)}`);
    expect(kills.length).toBeGreaterThanOrEqual(20);
    expect(orphans).toBeGreaterThan(0);
    expect(reclaimMs).toHaveLength(orphans);
    expect(Math.max(...reclaimMs)).toBeLessThanOrEqual(60_000);
    expect(t).toMatchObject({ steps: STEPS, succeeded: STEPS, stepEvents: STEPS, distinctStepEvents: STEPS, missionsDone: MISSIONS, missionEvents: MISSIONS, distinctMissionEvents: MISSIONS, effectsDone: STEPS, open: 0 });
    expect(lg).toEqual({ keys: STEPS, twice: 0 });
  });
});
