/**
 * The events.page measurement of bench/events-page.ts, in a process of its own that compiles
 * PGlite's WebAssembly as the app does (useWasmTier('baseline'), as serve and the desktop app
 * set it), so the figures are what a user's feed gets, not what V8's optimizing tier would give
 * a long-lived bench process:
 *
 *   tsx bench/children/events-page-measure.ts DATA_DIR EVENTS SAMPLES WARMUP
 *
 * Measures every case on a fresh in-memory 10,000-event database (the reference), then on the
 * database in DATA_DIR, and prints `RESULT {"reference": {case: ms[]}, "measured": {case: ms[]}}`.
 */
import { useWasmTier } from '../../core/db/wasm-tiers.ts';
import { PgliteDb } from '../../core/db/pglite.ts';
import type { Db } from '../../core/db/db.ts';
import { pageEvents, type EventPageQuery } from '../../core/ops/events.ts';
import { pageCases, REFERENCE_EVENTS } from '../events-page.ts';
import { insertEvents } from '../million-events.ts';
import { migrated } from '../step-fixtures.ts';

async function measure(db: Db, query: EventPageQuery, samples: number, warmup: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples + warmup; i++) {
    const t0 = performance.now();
    const page = await pageEvents(db, query);
    const ms = performance.now() - t0;
    if (page.items.length === 0) throw new Error(`events.page ${JSON.stringify(query)} returned nothing`);
    if (i >= warmup) out.push(ms);
  }
  return out;
}

async function all(db: Db, events: number, samples: number, warmup: number): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [name, q] of pageCases(events)) out[name] = await measure(db, q, samples, warmup);
  return out;
}

async function main(): Promise<void> {
  useWasmTier('baseline');
  const [dataDir, events, samples, warmup] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: events-page-measure.ts DATA_DIR EVENTS SAMPLES WARMUP');
  const small = await migrated(await PgliteDb.open());
  await insertEvents(small, REFERENCE_EVENTS);
  const reference = await all(small, REFERENCE_EVENTS, Number(samples), Number(warmup));
  await small.close();
  const db = await PgliteDb.open({ dataDir });
  try {
    const measured = await all(db, Number(events), Number(samples), Number(warmup));
    console.log(`RESULT ${JSON.stringify({ reference, measured })}`);
  } finally {
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
