/**
 * Worker crashes on PostgreSQL. 8 worker processes (the real engine and pool,
 * test/reliability/children/probe-worker.ts) run 10,000 probe steps, each of
 * which acts once on an external ledger through once(); the test SIGKILLs
 * random workers and starts new ones, and separately restarts PostgreSQL under
 * load. The ledger counts every act per idempotency key, so "never acts twice"
 * is counted where the effect lands, not where it is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../core/ports/random.ts';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres.ts';
import { tally } from './probe-fleet.ts';
import { ledgerFigures, pause, prepare } from './drill-run.ts';


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
