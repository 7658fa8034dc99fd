import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataLayout, prepareDataDir } from '../data/layout.js';
import { setLockOwner } from '../db/dir-lock.js';
import { EngineHost, type DataPlace } from '../host/engine-host.js';
import { getPolicy, setPolicy } from '../ops/policy.js';
import { ollamaWiring } from '../llm/ollama-wiring.js';
import { SystemClock } from '../ports/clock.js';
import { consoleLog } from '../ports/log.js';
import { SystemRandom } from '../ports/random.js';
import { startHttpServer } from '../server/http.js';
import { refusalRecorder } from '../server/refusal-events.js';
import { parseFlags, UsageError } from './args.js';
import { clusterCacheDir, defaultDataDir, redactUrl, serverFilesDir } from './data-dir.js';
import { useWasmTier } from '../db/wasm-tiers.js';

const usage = `Usage: npm run serve -- [options]
  --port N            port to listen on (default 4319; 0 picks a free one)
  --host H            address to bind (default 127.0.0.1; anything else needs --token)
  --token T           require "Authorization: Bearer T" on every API call
  --data-dir D        embedded database folder (default ${defaultDataDir()})
  --memory            use an in-memory database (nothing is kept)
  --database-url U    use a PostgreSQL server instead of the embedded database
                      (its backups, exports and uploads go to --data-dir if given, else
                      ${serverFilesDir('postgres://host/db').replace('host-5432-db', '<host>-<port>-<db>')})
  --restore-latest-backup  if the database folder does not open, set it aside and restore the newest backup
  --ollama URL        Ollama host (default http://127.0.0.1:11434)
  --no-workers        run no step workers in this process
  --no-heartbeat      run no heartbeat (nor the daily routines) in this process
  --static D          folder with the built UI (default dist/renderer)
  --log-level L       debug | info | warn | error`;

async function main(): Promise<void> {
  useWasmTier('baseline');
  const flags = parseFlags(process.argv.slice(2), {
    port: 'number',
    host: 'string',
    token: 'string',
    'data-dir': 'string',
    memory: 'boolean',
    'database-url': 'string',
    ollama: 'string',
    workers: 'boolean',
    heartbeat: 'boolean',
    static: 'string',
    'log-level': 'string',
    'restore-latest-backup': 'boolean',
    help: 'boolean',
  });
  if (flags.help) {
    console.log(usage);
    return;
  }
  const level = (flags['log-level'] ?? 'info') as 'debug' | 'info' | 'warn' | 'error';
  const log = consoleLog(level);
  const token = flags.token ?? process.env.EMT_TOKEN;
  const databaseUrl = flags['database-url'] ?? process.env.EMT_DATABASE_URL;
  const dataDir = flags.memory ? undefined : (flags['data-dir'] ?? defaultDataDir());
  setLockOwner('npm run serve');
  const place: DataPlace = databaseUrl
    ? { kind: 'postgres', url: databaseUrl, files: flags.memory ? null : dataLayout(flags['data-dir'] ?? serverFilesDir(databaseUrl)) }
    : dataDir
      ? { kind: 'folder', layout: await prepareDataDir(dataDir) }
      : { kind: 'memory' };
  const clock = new SystemClock();
  const ollamaFlag = flags.ollama;
  const host = await EngineHost.open({
    place,
    appVersion: process.env.npm_package_version ?? '0.1.0',
    recovery: flags['restore-latest-backup'] ? 'restore-latest' : 'refuse',
    clusterCacheDir: clusterCacheDir(dataDir),
    ...(ollamaFlag
      ? {
          onEngine: async (e) => {
            const current = await getPolicy(e.ctx.db, 'llm_policy');
            if (current.hosts.join() !== ollamaFlag) await setPolicy(e.ctx, 'llm_policy', { ...current, hosts: [ollamaFlag] }, 'the --ollama flag');
          },
        }
      : {}),
    engine: {
      clock,
      random: new SystemRandom(),
      log,
      location: databaseUrl ? redactUrl(databaseUrl) : (dataDir ?? 'memory'),
      processId: `serve-${os.hostname()}-${process.pid}`,
      workers: flags.workers ?? true,
      heartbeat: flags.heartbeat ?? true,
      initialPolicy: { timezone: { name: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' } },
      llm: ollamaWiring({ clock, log }),
    },
  });
  const here = path.dirname(fileURLToPath(import.meta.url));
  const server = await startHttpServer({
    handlers: host.handlers,
    bus: host.bus,
    dataFiles: { imports: host.importsDir, exports: host.exportsDir, backups: host.backupsDir },
    clock,
    log,
    host: flags.host ?? '127.0.0.1',
    port: flags.port ?? 4319,
    ...(token ? { token } : {}),
    staticDir: flags.static ?? path.resolve(here, '../../dist/renderer'),
    hooks: {
      onInvalidInput: refusalRecorder(() => host.runningEngine?.ctx ?? null).onInvalidInput,
      onInternalError: (call, err) => log.error(`Call ${call} failed`, { error: err instanceof Error ? err.stack : String(err) }),
    },
  });
  await host.start();
  // The one line scripts and tests wait for.
  console.log(`emtesseract listening on ${server.url} (database: ${databaseUrl ? 'postgres' : (dataDir ?? 'memory')})`);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info(`Stopping (${signal})…`);
    await server.close();
    await host.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${usage}`);
    process.exit(2);
  }
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
