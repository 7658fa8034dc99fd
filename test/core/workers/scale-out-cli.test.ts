import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../core/engine.ts';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { silentLog } from '../../../core/ports/log.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { setPolicy, getPolicy } from '../../../core/ops/policy.ts';
import { freshPostgresUrl } from '../../support/db.ts';
import { buildCli, startCli } from '../../support/serve-process.ts';
import { eventually } from '../../support/engine.ts';

const MISSIONS = 2500;
const STEPS_PER_MISSION = 2; // 5,000 steps; the second of each mission is queued only when the first succeeds

/**
 * Session 1 ran this in 8–13 s; after later merges it did not finish in 240 s. The cause: two
 * event hooks without `wants` put every step completion in a transaction, and a transaction
 * awaiting a cached policy read that was queued on the pool deadlocked a --pool-size 3 worker
 * running four steps at once (its steps stayed "running" for good, its missions never ended).
 */
describe('scale-out on one PostgreSQL through the worker CLI', () => {
  beforeAll(() => buildCli(), 120_000); // what `npm run worker` runs: dist/cli/worker.js (startCli runs it)

  it('4 worker processes claim 5,000 queued steps: each runs exactly once, missions finalize once', async () => {
    const url = await freshPostgresUrl();
    const db = await PostgresDb.open({ url });
    const engine = await createEngine({ db, clock: new SystemClock(), random: new SeededRandom(7), log: silentLog, location: 'pg', workers: false, heartbeat: false });
    const workers = await getPolicy(db, 'workers');
    await setPolicy(engine.ctx, 'workers', { kinds: { ...workers.kinds, wait: { enabled: true, concurrency: 4 } } });
    // Bulk-queue the missions directly: the proposal path is tested elsewhere, this test is about claiming.
    const now = new Date().toISOString();
    await db.query(
      `INSERT INTO ops_missions (title, status, created_by, created_at)
       SELECT 'bulk ' || g, 'approved', 'opus', $1 FROM generate_series(1, $2) g`,
      [now, MISSIONS],
    );
    await db.query(
      `INSERT INTO ops_mission_steps (mission_id, seq, kind, payload, status, run_after, created_at)
       SELECT m.id, s.seq, 'wait', '{}'::jsonb, CASE WHEN s.seq = 0 THEN 'queued' ELSE 'pending' END, $1, $1
       FROM ops_missions m CROSS JOIN generate_series(0, $2 - 1) AS s(seq)`,
      [now, STEPS_PER_MISSION],
    );
    const procs = await Promise.all(
      [1, 2, 3, 4].map((i) => startCli('worker', ['--database-url', url, '--kinds', 'wait', '--worker-id', `w${i}`, '--poll-ms', '25', '--pool-size', '3'])),
    );
    const t0 = performance.now();
    try {
      await eventually(async () => {
        const r = await db.query<{ open: number }>(`SELECT count(*)::int AS open FROM ops_missions WHERE status IN ('approved', 'running')`);
        return r.rows[0]!.open === 0;
      }, 180_000, 250);
      console.log(`scale-out CLI: 5,000 steps on 4 worker processes in ${((performance.now() - t0) / 1000).toFixed(1)} s after they started`);
    } finally {
      await Promise.all(procs.map((p) => p.stop()));
    }
    const steps = await db.query<{ total: number; ok: number; once: number; by: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'succeeded')::int AS ok,
              count(*) FILTER (WHERE attempts = 1)::int AS once, count(DISTINCT reserved_by)::int AS by
       FROM ops_mission_steps`,
    );
    expect(steps.rows[0]).toEqual({ total: 5000, ok: 5000, once: 5000, by: 4 });
    const ev = await db.query<{ kind: string; n: number; distinct_ref: number }>(
      `SELECT kind, count(*)::int AS n,
              count(DISTINCT CASE WHEN kind = 'step_succeeded' THEN step_id ELSE mission_id END)::int AS distinct_ref
       FROM ops_agent_events WHERE kind IN ('step_succeeded', 'mission_succeeded', 'mission_failed') GROUP BY kind ORDER BY kind`,
    );
    expect(ev.rows).toEqual([
      { kind: 'mission_succeeded', n: MISSIONS, distinct_ref: MISSIONS },
      { kind: 'step_succeeded', n: 5000, distinct_ref: 5000 },
    ]);
    const missions = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_missions WHERE status = 'succeeded'`);
    expect(missions.rows[0]!.n).toBe(MISSIONS);
    await db.close();
  }, 240_000);

});
