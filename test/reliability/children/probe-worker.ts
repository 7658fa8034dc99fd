/**
 * A worker process for the kill and restart runs: the real engine and worker
 * pool on PostgreSQL, running only the `effect_probe` kind. Its executor waits
 * a little (so kills land mid-step), then performs one external effect — an
 * HTTP call to the test's ledger — through once(), with the ledger's lookup
 * to settle an intent a killed process left behind.
 *
 * Usage: tsx test/reliability/children/probe-worker.ts DATABASE_URL LEDGER_URL WORKER_ID
 * Prints "probe worker WORKER_ID running" when it is claiming.
 */
import { z } from 'zod';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { createEngine } from '../../../core/engine.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { consoleLog } from '../../../core/ports/log.ts';
import { SystemRandom } from '../../../core/ports/random.ts';
import { guardProcess } from '../../../core/cli/process-guard.ts';
import { once } from '../../../core/workers/effects.ts';
import type { Executor } from '../../../core/workers/executor.ts';

const [url, ledger, workerId] = process.argv.slice(2);
if (!url || !ledger || !workerId) throw new Error('usage: probe-worker.ts DATABASE_URL LEDGER_URL WORKER_ID');

const payload = z.object({ ms: z.number().int().min(0).max(10_000) });
const acted = z.object({ key: z.string(), seq: z.number().int() });

const probe: Executor = {
  kind: 'effect_probe',
  async run(sc) {
    const { ms } = payload.parse(sc.step.payload);
    await sc.ctx.clock.sleep(ms, sc.signal);
    const out = await once(
      sc,
      'ledger',
      async (key) => {
        const res = await fetch(`${ledger}/act`, { method: 'POST', body: JSON.stringify({ key, worker: workerId }), signal: sc.signal });
        if (!res.ok) throw new Error(`ledger answered ${res.status}`);
        return acted.parse(await res.json());
      },
      {
        schema: acted,
        // a request that was sent may have been applied: settle it with the lookup, never by acting blind
        mayHaveActed: () => true,
        lookup: async (key) => {
          const res = await fetch(`${ledger}/lookup?key=${encodeURIComponent(key)}`);
          if (res.status === 404) return undefined;
          if (!res.ok) throw new Error(`ledger lookup answered ${res.status}`);
          return acted.parse(await res.json());
        },
      },
    );
    return { result: out, summary: `ledger #${out.seq}` };
  },
};

const clock = new SystemClock();
const log = consoleLog('warn');
guardProcess(log, clock, `probe worker ${workerId}`); // as the worker CLI: a lost connection does not end the process
const db = await PostgresDb.open({ url, max: 4, applicationName: workerId });
const engine = await createEngine({
  db,
  clock,
  random: new SystemRandom(),
  log,
  location: 'pg',
  processId: workerId,
  heartbeat: false,
  executors: [probe],
  workers: { kinds: ['effect_probe'], pollMs: 200, pauseMs: 500 }, // leases as the product renews them
});
await engine.start();
console.log(`probe worker ${workerId} running`);
const shutdown = async (): Promise<void> => {
  await engine.stop();
  await db.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
