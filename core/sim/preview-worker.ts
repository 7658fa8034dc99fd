/** The preview thread: runs comparePolicies on its own engines and posts the result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { comparePolicies } from './preview.js';

const job = workerData as Parameters<typeof comparePolicies>[0];
comparePolicies(job).then(
  (value) => parentPort?.postMessage({ ok: true, value }),
  (err: unknown) => parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) }),
);
