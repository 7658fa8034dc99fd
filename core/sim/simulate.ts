import type { Db } from '../db/db.js';
import { PgliteDb } from '../db/pglite.js';
import { createEngine } from '../engine.js';
import { getPolicy, setPolicy } from '../ops/policy.js';
import { FakeClock, macrotaskTurns } from '../ports/clock.js';
import { silentLog } from '../ports/log.js';
import { SeededRandom } from '../ports/random.js';
import { seedAgents } from '../ops/agents.js';
import { databaseDigest } from './digest.js';
import { buildReport, type SimReport } from './report.js';
import { ScriptedLlm } from './scripted-llm.js';
import { offlineCrawlExecutor } from './offline-web.js';
import { htmlLibraries } from '../executors/crawl-extract.js';
import { offlineEngagementJob, offlinePostExecutor, postingPolicy } from './offline-social.js';

export interface SimOptions {
  days: number;
  seed: number;
  /** Only these agents work; the others are turned off. */
  agents?: string[];
  /** Policy values to use instead of the defaults. */
  policy?: Record<string, unknown>;
  /** Keep the simulated company in this folder (it can be opened in the app afterwards). */
  dataDir?: string;
  /** Where a new database finds the empty-cluster tarball instead of running initdb (see PgliteOptions). */
  clusterCacheDir?: string;
  /** Run on this database instead (the caller opens and closes it), e.g. a PostgreSQL server in tests. */
  db?: Db;
  /** When the simulated time starts (default Monday 2026-01-05 00:00 UTC). */
  start?: string;
  /** Told the share done (0–1) now and then. */
  onProgress?: (done: number) => void;
  /** Measures wall time for the report (the simulation itself never reads it). */
  wallClock?: () => number;
}

export interface SimResult {
  report: SimReport;
  digest: string;
}

const HOUR = 3_600_000;
const DEFAULT_START = '2026-01-05T00:00:00.000Z';

/**
 * Runs the real engine — heartbeat, gates, workers, roundtables, memory — on a
 * virtual clock with seeded randomness and a deterministic scripted model,
 * for `days` simulated days, one timer at a time. Same seed and inputs → same
 * database, to the byte.
 */
export async function simulate(o: SimOptions): Promise<SimResult> {
  const wall = o.wallClock ?? (() => 0);
  const t0 = wall();
  const db: Db = o.db ?? (await PgliteDb.open({ ...(o.dataDir ? { dataDir: o.dataDir } : {}), ...(o.clusterCacheDir ? { clusterCacheDir: o.clusterCacheDir } : {}) }));
  try {
    const start = o.start ?? DEFAULT_START;
    const clock = new FakeClock(start, { settle: () => macrotaskTurns(2) });
    const random = new SeededRandom(o.seed);
    const llm = new ScriptedLlm(o.seed, seedAgents.map((a) => a.id));
    const engine = await createEngine({
      db,
      clock,
      random,
      log: silentLog,
      location: o.dataDir ?? 'memory (simulation)',
      processId: 'sim',
      // the simulation owns its database: policies change only through setPolicy
      policyCacheMs: Number.POSITIVE_INFINITY,
      // one process: every queue wakes its loop in-process; polling is only a fallback
      queuePollMs: 10 * 60_000,
      // steps are woken in-process when queued and when a retry falls due: no polling needed
      workers: { pollMs: 24 * HOUR, leaseRenewMs: 10 * 60_000, pauseMs: 60_000 },
      heartbeat: true,
      initialPolicy: { timezone: { name: 'UTC' } },
      llm: { service: { llmFor: () => llm, probe: async () => ({ ok: true }) } },
      executors: [offlineCrawlExecutor(), offlinePostExecutor(o.seed)],
    });
    // the offline social platform: drafts get published, posts get engagement
    const policies = { auto_approve: await getPolicy(db, 'auto_approve'), reaction_matrix: await getPolicy(db, 'reaction_matrix') };
    for (const [key, value] of Object.entries(postingPolicy(policies))) await setPolicy(engine.ctx, key, value, 'the simulation');
    engine.heartbeat.add(offlineEngagementJob(o.seed, () => engine.handlers));
    for (const [key, value] of Object.entries(o.policy ?? {})) await setPolicy(engine.ctx, key, value, 'the simulation');
    if (o.agents?.length) {
      const keep = new Set(o.agents);
      for (const a of seedAgents) if (!keep.has(a.id)) await db.query('UPDATE ops_agents SET enabled = false WHERE id = $1', [a.id]);
    }
    // loaded now, not on the first crawl: a module loading mid-step ends after the virtual clock has moved on
    await htmlLibraries();
    await engine.start();
    const end = clock.now() + o.days * 24 * HOUR;
    while (clock.now() < end) {
      await clock.advanceTo(Math.min(end, clock.now() + HOUR));
      o.onProgress?.(1 - (end - clock.now()) / (o.days * 24 * HOUR));
    }
    await engine.stop();
    const digest = await databaseDigest(db);
    const report = await buildReport(db, {
      days: o.days,
      seed: o.seed,
      simulatedFrom: start,
      simulatedTo: new Date(end).toISOString(),
      wallSeconds: (wall() - t0) / 1000,
      digest,
    });
    return { report, digest };
  } finally {
    if (!o.db) await db.close();
  }
}
