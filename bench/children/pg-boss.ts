/**
 * Reference worker process for the queue benchmark: pg-boss with WORKERS
 * work() loops on the queue "noop", each fetching up to BATCH jobs per poll.
 * Usage: tsx bench/children/pg-boss.ts URL WORKERS BATCH POLL_SECONDS
 * Prints READY once working; on the stdin line "dump" prints
 * `STARTS [[i, ms], …]` — each job's data.i and CLOCK_MONOTONIC (ms) when its handler started.
 */
import { createInterface } from 'node:readline';
import PgBoss from 'pg-boss';

const [url, workers, batch, poll] = process.argv.slice(2);
if (!url) throw new Error('usage: pg-boss.ts URL WORKERS BATCH POLL_SECONDS');
let starts: [number, number][] = [];
const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false, migrate: false });
boss.on('error', (e) => console.error('pg-boss error', e));
await boss.start();
for (let w = 0; w < Number(workers ?? 4); w++) {
  await boss.work<{ i: number }>('noop', { batchSize: Number(batch ?? 1), pollingIntervalSeconds: Number(poll ?? 2) }, async (jobs) => {
    const at = Number(process.hrtime.bigint()) / 1e6;
    for (const job of jobs) starts.push([job.data.i, at]);
  });
}
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'dump') return;
  process.stdout.write(`STARTS ${JSON.stringify(starts)}\n`);
  starts = [];
});
const stop = (): void => {
  void boss.stop({ graceful: false, wait: false }).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log('READY');
