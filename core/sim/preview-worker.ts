/** A preview thread: runs one seeded simulation on its own engine and database, and posts its report back. */
import { parentPort, workerData } from 'node:worker_threads';
import { simulate, type SimOptions } from './simulate.js';

const job = workerData as Pick<SimOptions, 'days' | 'seed' | 'policy' | 'clusterCacheDir'>;
simulate(job).then(
  ({ report }) => parentPort?.postMessage({ ok: true, value: report }),
  (err: unknown) => parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) }),
);
