/**
 * npm run bench — runs every benchmark, prints each figure beside its reference,
 * and writes bench/results/latest.json and latest.md.
 * Flags: --quick (fewer samples), --only queue
 */
import { PgliteDb } from '../core/db/pglite.ts';
import { PostgresDb } from '../core/db/postgres.ts';
import { createDatabase, startPostgresCluster } from '../test/support/postgres.ts';
import { print, saveResults, type Figure } from './lib.ts';
import { machine, queueBench } from './queue.ts';

const quick = process.argv.includes('--quick');
const figures: Figure[] = [];
const cluster = await startPostgresCluster();
try {
  const scale = quick ? { latencySamples: 200, throughputSteps: 500 } : { latencySamples: 1000, throughputSteps: 3000 };
  console.log(`emtesseract benchmarks on ${machine}${quick ? ' (quick)' : ''}\n`);
  for (const [label, open] of [
    ['PGlite', () => PgliteDb.open()],
    ['PostgreSQL', async () => PostgresDb.open({ url: await createDatabase(cluster.url) })],
  ] as const) {
    const fs = await queueBench({ label, open, concurrency: 4, ...scale });
    fs.forEach(print);
    figures.push(...fs);
  }
  const file = await saveResults(figures, { at: new Date().toISOString(), machine, quick });
  console.log(`\nresults: ${file}`);
} finally {
  await cluster.stop();
}
