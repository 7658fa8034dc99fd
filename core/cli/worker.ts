import os from 'node:os';
import { PostgresDb } from '../db/postgres.js';
import { createEngine } from '../engine.js';
import { SystemClock } from '../ports/clock.js';
import { consoleLog } from '../ports/log.js';
import { SystemRandom } from '../ports/random.js';
import { parseFlags, UsageError } from './args.js';
import { redactUrl } from './data-dir.js';
import { ollamaWiring } from '../llm/ollama-wiring.js';

const usage = `Usage: npm run worker -- --database-url postgres://… [--kinds a,b] [--poll-ms N] [--pool-size N]
Runs step workers only (no heartbeat, no HTTP) against a shared PostgreSQL server.`;

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), {
    'database-url': 'string',
    kinds: 'string',
    'poll-ms': 'number',
    'pool-size': 'number',
    'worker-id': 'string',
    ollama: 'string',
    'log-level': 'string',
    help: 'boolean',
  });
  if (flags.help) return void console.log(usage);
  const url = flags['database-url'] ?? process.env.EMT_DATABASE_URL;
  if (!url) throw new UsageError('--database-url is required: scale-out workers share one PostgreSQL server.');
  const log = consoleLog((flags['log-level'] ?? 'info') as 'info');
  const db = await PostgresDb.open({ url, max: flags['pool-size'] ?? 5 });
  const kinds = flags.kinds ? flags.kinds.split(',').map((k) => k.trim()).filter(Boolean) : undefined;
  const clock = new SystemClock();
  const engine = await createEngine({
    db,
    clock,
    random: new SystemRandom(),
    log,
    location: redactUrl(url),
    processId: flags['worker-id'] ?? `worker-${os.hostname()}-${process.pid}`,
    workers: { ...(kinds ? { kinds } : {}), ...(flags['poll-ms'] ? { pollMs: flags['poll-ms'] } : {}) },
    heartbeat: false,
    llm: ollamaWiring({ clock, log }),
  });
  await engine.start();
  console.log(`emtesseract worker ${engine.ctx.processId} running kinds: ${engine.pool?.kinds().join(', ') || 'none'}`);
  const shutdown = async (): Promise<void> => {
    await engine.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  if (err instanceof UsageError) console.error(usage);
  process.exit(err instanceof UsageError ? 2 : 1);
});
