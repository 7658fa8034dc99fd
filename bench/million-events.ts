/**
 * The shared fixture of the events, heartbeat and reopen benchmarks: a
 * migrated, seeded PGlite database in a data folder holding 1,000,000 events
 * (100,000 with --quick), bulk-inserted with INSERT … SELECT generate_series:
 * six agents and some system events, ten kinds, 3 tags each (one of 50
 * "tagN"), titles and summaries with searchable words. Like the app, it never
 * runs ANALYZE (PGlite has no autovacuum).
 */
import type { Db } from '../core/db/db.ts';
import { PgliteDb } from '../core/db/pglite.ts';
import type { BenchEnv } from './harness.ts';
import { migrated } from './step-fixtures.ts';

export interface EventsFixture {
  dataDir: string;
  events: number;
  buildSeconds: number;
}

/** Words the titles are about: one per event, in turn (1 event in 11 each). */
export const TOPICS = ['pricing', 'launch', 'growth', 'bluesky', 'ollama', 'hiring', 'roadmap', 'churn', 'seo', 'design', 'metrics'];

/** Inserts `n` events after the ones already there (ids keep rising). */
export async function insertEvents(db: Db, n: number): Promise<void> {
  // Building the indexes once after the rows are in is many times faster than
  // maintaining them row by row (the GIN and text-search ones above all).
  const indexes = await db.query<{ name: string; def: string }>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename = 'ops_agent_events'
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const ix of indexes.rows) await db.exec(`DROP INDEX ${ix.name}`);
  await db.exec(`SET maintenance_work_mem = '256MB'`);
  await db.query(
    `INSERT INTO ops_agent_events (agent_id, kind, title, summary, tags, payload, mission_id, created_at)
     SELECT CASE WHEN g % 20 = 0 THEN NULL ELSE (ARRAY['opus','brain','growth','creator','twitter-alt','observer'])[1 + g % 6] END,
            (ARRAY['step_succeeded','mission_succeeded','proposal_created','proposal_rejected','tweet_posted',
                   'roundtable_turn','memory_written','step_failed','trigger_fired','artifact_saved'])[1 + (g / 7) % 10],
            'Event ' || g || ' about ' || ($2::text[])[1 + g % 11],
            'Notes on word' || (g % 1000) || ' and topic' || (g % 37) || ' for the team',
            ARRAY['step', (ARRAY['succeeded','failed','posted','analysis','tweet'])[1 + g % 5], 'tag' || (g % 50)],
            jsonb_build_object('n', g),
            CASE WHEN g % 3 = 0 THEN g / 3 END,
            now() - interval '365 days' + (g * interval '1 second') * (31536000.0 / $1::int)
     FROM generate_series(1, $1::int) g`,
    [n, TOPICS],
  );
  for (const ix of indexes.rows) await db.exec(ix.def);
  await db.exec('ANALYZE ops_agent_events');
}

export function millionEvents(env: BenchEnv): Promise<EventsFixture> {
  return env.once('million-events', async () => {
    const events = env.quick ? 100_000 : 1_000_000;
    const dataDir = await env.tempDir('events-');
    const t0 = performance.now();
    const db = await migrated(await PgliteDb.open({ dataDir }));
    await insertEvents(db, events);
    await db.close();
    const buildSeconds = (performance.now() - t0) / 1000;
    console.log(`  (fixture: ${events.toLocaleString('en')} events in a PGlite data folder, built in ${buildSeconds.toFixed(1)} s)`);
    return { dataDir, events, buildSeconds };
  });
}
