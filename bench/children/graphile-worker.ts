/**
 * Reference worker process for the queue benchmark: graphile-worker with a
 * no-op task. Usage: tsx bench/children/graphile-worker.ts URL CONCURRENCY
 * Prints READY once running; on the stdin line "dump" prints
 * `STARTS [[i, ms], …]` — each job's payload.i and CLOCK_MONOTONIC (ms) when its handler started.
 */
import { createInterface } from 'node:readline';
import { Logger, run } from 'graphile-worker';

const [url, concurrency] = process.argv.slice(2);
if (!url) throw new Error('usage: graphile-worker.ts URL [CONCURRENCY]');
let starts: [number, number][] = [];
const runner = await run({
  connectionString: url,
  concurrency: Number(concurrency ?? 4),
  pollInterval: 2000,
  noHandleSignals: true,
  logger: new Logger(() => () => {}),
  taskList: {
    noop: async (payload) => {
      starts.push([(payload as { i: number }).i, Number(process.hrtime.bigint()) / 1e6]);
    },
  },
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'dump') return;
  process.stdout.write(`STARTS ${JSON.stringify(starts)}\n`);
  starts = [];
});
const stop = (): void => {
  void runner.stop().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log('READY');
