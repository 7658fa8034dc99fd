/**
 * Worker crashes on PostgreSQL. 8 worker processes (the real engine and pool,
 * test/reliability/children/probe-worker.ts) run 10,000 probe steps, each of
 * which acts once on an external ledger through once(); the test SIGKILLs
 * random workers and starts new ones, and separately restarts PostgreSQL under
 * load. The ledger counts every act per idempotency key, so "never acts twice"
 * is counted where the effect lands, not where it is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres.ts';
import { tally } from './probe-fleet.ts';
import { FLEET, ledgerFigures, pause, prepare } from './drill-run.ts';


describe('worker processes on PostgreSQL across a server restart', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster(); // its own server: the restart below must not hit other suites
  });
  afterAll(async () => cluster?.stop());

  it('PostgreSQL restarted mid-run: workers and the heartbeat reconnect and carry on, nothing lost, nothing twice', async () => {
    const MISSIONS = 1500;
    const STEPS = MISSIONS * 2;
    const run = await prepare(cluster, MISSIONS, 20, 0.1); // a heartbeat every 6 s: the test sees it run again after the restart
    let restartedAt: string | null = null;
    const t0 = performance.now();
    let t: Awaited<ReturnType<typeof tally>>;
    let alive: number;
    let outages: { processId: string; n: number }[];
    let listening: number;
    try {
      for (;;) {
        if (performance.now() - t0 > 10 * 60_000) throw new Error('not done in 10 minutes');
        const now = await tally(run.db).catch(() => null); // the test's own queries fail while the server is down
        if (now && now.open === 0) break;
        if (now && !restartedAt && now.succeeded >= STEPS * 0.3) {
          await cluster.restart();
          restartedAt = new Date().toISOString();
        }
        await pause(200);
      }
      // the heartbeat ran again after the restart (its recovery re-queued what the restart stranded)
      await waitFor(async () => {
        const r = await run.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_action_runs WHERE status = 'succeeded' AND started_at > $1`, [restartedAt]);
        return r.rows[0]!.n > 0;
      });
      // no worker process crashed (a dead one shows how it ended)
      expect(run.workers.filter((w) => !w.isReady()).map((w) => `${w.id} ended (${w.child.exitCode ?? w.child.signalCode}):\n${w.output().slice(-3000)}`)).toEqual([]);
      alive = run.workers.filter((w) => w.isReady()).length;
      // every worker LISTENs again: one connection each, for both channels (queued steps, cancelled missions);
      // LISTEN is the first statement it runs (claims may follow on it), so one that has run any has listened
      await waitFor(async () => {
        const r = await run.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'emtesseract-listen' AND query <> ''`);
        listening = r.rows[0]!.n;
        return listening === FLEET;
      });
      // the outage is recorded once per worker process that met it, not once per failed try
      outages = (await run.db.query<{ processId: string; n: number }>(
        `SELECT payload->>'processId' AS "processId", count(*)::int AS n FROM ops_agent_events WHERE kind = 'database_unreachable' GROUP BY 1 ORDER BY 1`,
      )).rows;
      t = await tally(run.db);
    } finally {
      await run.close();
    }
    const lg = ledgerFigures(run.ledger);
    console.log(`pg-restart figures ${JSON.stringify({ steps: t.steps, succeeded: t.succeeded, stepsRunAgain: t.rerun, settledByLookup: run.ledger.lookups.found, actedTwice: lg.twice, workersAlive: `${alive}/${FLEET}`, listening: listening!, outageEvents: outages.length })}`);
    expect(outages.length).toBeGreaterThan(0);
    expect(outages.every((o) => o.n === 1)).toBe(true);
    expect(restartedAt).not.toBeNull();
    expect(t).toMatchObject({ steps: STEPS, succeeded: STEPS, stepEvents: STEPS, distinctStepEvents: STEPS, missionsDone: MISSIONS, missionEvents: MISSIONS, distinctMissionEvents: MISSIONS, effectsDone: STEPS, open: 0 });
    expect(lg).toEqual({ keys: STEPS, twice: 0 });
  });
});

async function waitFor(fn: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await fn().catch(() => false))) {
    if (performance.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await pause(200);
  }
}
