import os from 'node:os';
import { PostgresDb } from '../db/postgres.js';
import { createEngine, type Engine } from '../engine.js';
import { isConnectionError } from '../db/connection-errors.js';
import { SystemClock } from '../ports/clock.js';
import { consoleLog } from '../ports/log.js';
import { SystemRandom } from '../ports/random.js';
import { parseFlags, UsageError } from './args.js';
import { guardProcess } from './process-guard.js';
import { redactUrl } from './data-dir.js';
import { ollamaWiring } from '../llm/ollama-wiring.js';
import { useWasmTier } from '../db/wasm-tiers.js';

const usage = `Usage: npm run worker -- --database-url postgres://… [--kinds a,b] [--poll-ms N] [--pool-size N] [--trace-starts N]
Runs step workers only (no heartbeat, no HTTP) against a shared PostgreSQL server.
--trace-starts N prints "STEP_STARTED <step id> <ms>" for the first N steps this process starts,
the time on the machine's monotonic clock (the same in every process): the queue benchmark's
cross-process claim→start latency.`;

async function main(): Promise<void> {
  useWasmTier('baseline');
  const flags = parseFlags(process.argv.slice(2), {
    'database-url': 'string',
    kinds: 'string',
    'poll-ms': 'number',
    'pool-size': 'number',
    'worker-id': 'string',
    ollama: 'string',
    'log-level': 'string',
    'trace-starts': 'number',
    help: 'boolean',
  });
  if (flags.help) return void console.log(usage);
  const url = flags['database-url'] ?? process.env.EMT_DATABASE_URL;
  if (!url) throw new UsageError('--database-url is required: scale-out workers share one PostgreSQL server.');
  const log = consoleLog((flags['log-level'] ?? 'info') as 'info');
  const kinds = flags.kinds ? flags.kinds.split(',').map((k) => k.trim()).filter(Boolean) : undefined;
  const clock = new SystemClock();
  const processId = flags['worker-id'] ?? `worker-${os.hostname()}-${process.pid}`;
  guardProcess(log, clock);
  let stopping = false;
  let running: { engine: Engine; db: PostgresDb } | null = null;
  const shutdown = async (): Promise<void> => {
    stopping = true;
    if (running) {
      await running.engine.stop();
      await running.db.close();
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  // A worker may start before its server is up, or while it restarts: it waits for it (a
  // minute at most) instead of exiting on the first refused connection.
  const deadline = clock.now() + 60_000;
  for (let attempt = 1; !stopping; attempt++) {
    const db = await PostgresDb.create({ url, max: flags['pool-size'] ?? 5 });
    let engine: Engine | null = null;
    try {
      engine = await createEngine({
        db,
        clock,
        random: new SystemRandom(),
        log,
        location: redactUrl(url),
        processId,
        workers: { ...(kinds ? { kinds } : {}), ...(flags['poll-ms'] ? { pollMs: flags['poll-ms'] } : {}) },
        heartbeat: false,
        llm: ollamaWiring({ clock, log }),
      });
      await engine.start();
      running = { engine, db };
      break;
    } catch (err) {
      await engine?.stop().catch(() => {});
      await db.close().catch(() => {});
      if (!isConnectionError(err) || clock.now() > deadline) throw err;
      if (attempt === 1) log.warn(`The database at ${redactUrl(url)} cannot be reached yet (${err instanceof Error ? err.message : String(err)}); the worker tries again for a minute.`);
      await clock.sleep(Math.min(250 * 2 ** attempt, 5000));
    }
  }
  if (!running) return;
  if (flags['trace-starts']) traceStarts(running.engine, flags['trace-starts']);
  console.log(`emtesseract worker ${running.engine.ctx.processId} running kinds: ${running.engine.pool?.kinds().join(', ') || 'none'}`);
}

/** See --trace-starts: a step starts the moment its claim hands it to the executor. */
function traceStarts(engine: Engine, n: number): void {
  let left = n;
  const off = engine.ctx.bus.subscribe((msg) => {
    if (msg.type !== 'step' || msg.step.status !== 'running') return;
    process.stdout.write(`STEP_STARTED ${msg.step.id} ${(Number(process.hrtime.bigint()) / 1e6).toFixed(3)}\n`);
    if (--left <= 0) off();
  });
}

main().catch((err) => {
  console.error(err instanceof UsageError ? err.message : `The worker could not start: ${err instanceof Error ? err.message : String(err)}`);
  if (err instanceof UsageError) console.error(usage);
  process.exit(err instanceof UsageError ? 2 : 1);
});
