/** The fleet the PostgreSQL drills share: a cluster-backed engine, its heartbeat, the ledger and the probe workers. */
import type { Db } from '../../core/db/db.ts';
import { PostgresDb } from '../../core/db/postgres.ts';
import { coreHeartbeatJobs, createEngine, type Engine } from '../../core/engine.ts';
import { Heartbeat } from '../../core/ops/heartbeat.ts';
import { startLeaseWatch } from '../../core/ops/lease-watch.ts';
import { getPolicy, setPolicy } from '../../core/ops/policy.ts';
import { SystemClock } from '../../core/ports/clock.ts';
import { memoryLog } from '../../core/ports/log.ts';
import { SeededRandom } from '../../core/ports/random.ts';
import { createDatabase, type PostgresCluster } from '../support/postgres.ts';
import { queueProbeMissions, spawnWorker, startLedger, type Ledger, type ProbeWorker } from './probe-fleet.ts';

export const FLEET = 8;
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms)); // between polls of a condition, never to synchronise

export interface Run {
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
 * A fresh database, the test process's engine (no workers) running the real heartbeat
 * (every `heartbeatMinutes`, the product's 5 by default) and the lease watch, with the
 * product's default leases (30 s, renewed every 7.5 s), and a fleet.
 */
export async function prepare(cluster: PostgresCluster, missions: number, ms: number, heartbeatMinutes = 5): Promise<Run> {
  const url = await createDatabase(cluster.url);
  const db = await PostgresDb.open({ url });
  const clock = new SystemClock();
  const engine = await createEngine({ db, clock, random: new SeededRandom(12), log: memoryLog(), location: 'pg', processId: 'test-heartbeat', workers: false, heartbeat: false });
  const hb = await getPolicy(db, 'heartbeat_policy');
  if (hb.stale_step_minutes !== 0.5) throw new Error(`the drills run on the default lease of 30 s, not ${hb.stale_step_minutes} minutes`);
  await setPolicy(engine.ctx, 'heartbeat_policy', { ...hb, interval_minutes: heartbeatMinutes });
  await setPolicy(engine.ctx, 'step_retry_policy', { max_attempts: 20, backoff_base_seconds: 0.2, backoff_max_seconds: 2 });
  const w = await getPolicy(db, 'workers');
  await setPolicy(engine.ctx, 'workers', { kinds: { ...w.kinds, effect_probe: { enabled: true, concurrency: 4 } } });
  await queueProbeMissions(db, new Date().toISOString(), missions, 2, ms);
  const heartbeat = new Heartbeat(engine.ctx, coreHeartbeatJobs());
  await heartbeat.start();
  const stopLeaseWatch = startLeaseWatch(engine.ctx);
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
      stopLeaseWatch();
      await heartbeat.stop();
      await engine.stop();
      await ledger.close();
      await db.close();
    },
  };
}

/** The ledger's view: how many keys were acted on, and how many more than once. */
export function ledgerFigures(ledger: Ledger): { keys: number; twice: number } {
  return { keys: ledger.acts.size, twice: [...ledger.acts.values()].filter((n) => n > 1).length };
}
