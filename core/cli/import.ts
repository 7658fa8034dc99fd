import path from 'node:path';
import { prepareDataDir, dataLayout } from '../data/layout.js';
import { setLockOwner } from '../db/dir-lock.js';
import { EngineHost } from '../host/engine-host.js';
import { SystemClock } from '../ports/clock.js';
import { consoleLog } from '../ports/log.js';
import { SystemRandom } from '../ports/random.js';
import { parseFlags, UsageError } from './args.js';
import { clusterCacheDir, defaultDataDir, redactUrl, serverFilesDir } from './data-dir.js';
import { useWasmTier } from '../db/wasm-tiers.js';

const usage = `Usage: npm run import -- (--data-dir D | --database-url U) --in FILE
  --data-dir D        the data folder of the embedded database (default ${defaultDataDir()})
  --database-url U    a PostgreSQL server instead (its backup goes to --data-dir if given)
  --in FILE           the archive to import (.emtx)
The whole archive is checked first; the current database is backed up, then replaced.`;

async function main(): Promise<void> {
  useWasmTier('baseline');
  const flags = parseFlags(process.argv.slice(2), { 'data-dir': 'string', 'database-url': 'string', in: 'string', help: 'boolean' });
  if (flags.help) return void console.log(usage);
  if (!flags.in) throw new UsageError('--in FILE is required.');
  setLockOwner('npm run import');
  const url = flags['database-url'] ?? process.env.EMT_DATABASE_URL;
  const log = consoleLog('warn');
  const dataDir = path.resolve(flags['data-dir'] ?? defaultDataDir());
  const host = await EngineHost.open({
    clusterCacheDir: clusterCacheDir(url ? undefined : dataDir),
    place: url
      ? { kind: 'postgres', url, poolSize: 2, files: dataLayout(flags['data-dir'] ?? serverFilesDir(url)) }
      : { kind: 'folder', layout: await prepareDataDir(dataDir) },
    appVersion: process.env.npm_package_version ?? '0.1.0',
    engine: { clock: new SystemClock(), random: new SystemRandom(), log, location: url ? redactUrl(url) : 'import', processId: `import-${process.pid}`, workers: false, heartbeat: false },
  });
  try {
    const out = await host.importArchive(path.resolve(flags.in), 'import');
    const rows = out.manifest.tables.reduce((n, t) => n + t.rows, 0);
    console.log(
      `Imported ${rows} rows in ${out.manifest.tables.length} tables from ${path.resolve(flags.in)} in ${out.durationMs} ms` +
        (out.migratedFrom !== null ? ` (migrated from schema ${out.migratedFrom} to ${out.manifest.schemaVersion})` : '') +
        (out.backup ? `. The previous database is backed up in ${out.backup.file}.` : '.'),
    );
  } finally {
    await host.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  if (err instanceof UsageError) console.error(`\n${usage}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
