import path from 'node:path';
import { exportArchive } from '../data/export-archive.js';
import { openDataFolder } from '../data/open-folder.js';
import type { Db } from '../db/db.js';
import { setLockOwner } from '../db/dir-lock.js';
import { loadMigrations, type Migration } from '../db/migrate.js';
import { PostgresDb } from '../db/postgres.js';
import { isoNow, SystemClock } from '../ports/clock.js';
import { consoleLog } from '../ports/log.js';
import { parseFlags, UsageError } from './args.js';
import { clusterCacheDir, defaultDataDir } from './data-dir.js';
import { useWasmTier } from '../db/wasm-tiers.js';

const usage = `Usage: npm run export -- (--data-dir D | --database-url U) --out FILE
  --data-dir D        the data folder of the embedded database (default ${defaultDataDir()})
  --database-url U    a PostgreSQL server instead
  --out FILE          the archive to write (.emtx)
  --restore-latest-backup   if the data folder's database does not open, set it aside and restore the newest backup first`;

/**
 * Opens the company to read: a server, or a data folder opened as serve opens it (locked; an
 * interrupted import finished or undone; refused when it holds no company, never made anew).
 */
export async function openForCli(
  flags: { 'data-dir'?: string; 'database-url'?: string; 'restore-latest-backup'?: boolean },
  owner: string,
  migrations: Migration[],
): Promise<Db> {
  setLockOwner(owner);
  const url = flags['database-url'] ?? process.env.EMT_DATABASE_URL;
  if (url) return PostgresDb.open({ url, max: 2, applicationName: owner });
  const clock = new SystemClock();
  const dataDir = path.resolve(flags['data-dir'] ?? defaultDataDir());
  const opened = await openDataFolder(dataDir, {
    migrations,
    now: isoNow(clock),
    clock,
    log: consoleLog('warn'),
    recovery: flags['restore-latest-backup'] ? 'restore-latest' : 'refuse',
    clusterCacheDir: clusterCacheDir(dataDir),
    createIfMissing: false,
  });
  return opened.db;
}

async function main(): Promise<void> {
  useWasmTier('baseline');
  const flags = parseFlags(process.argv.slice(2), { 'data-dir': 'string', 'database-url': 'string', out: 'string', 'restore-latest-backup': 'boolean', help: 'boolean' });
  if (flags.help) return void console.log(usage);
  if (!flags.out) throw new UsageError('--out FILE is required.');
  const migrations = await loadMigrations();
  const db = await openForCli(flags, 'npm run export', migrations);
  try {
    const t0 = performance.now();
    let last = '';
    const out = await exportArchive(db, {
      file: path.resolve(flags.out),
      appVersion: process.env.npm_package_version ?? '0.1.0',
      migrations,
      now: isoNow(new SystemClock()),
      onProgress: (p) => {
        if (p.table !== last && p.rowsDone === p.rowsTotal) process.stderr.write(`  ${p.table}: ${p.rowsTotal} rows\n`);
        last = p.rowsDone === p.rowsTotal ? p.table : last;
      },
    });
    const rows = out.manifest.tables.reduce((n, t) => n + t.rows, 0);
    console.log(`Exported ${rows} rows in ${out.manifest.tables.length} tables (schema ${out.manifest.schemaVersion}) to ${path.resolve(flags.out)}: ${out.bytes} bytes in ${Math.round(performance.now() - t0)} ms.`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  if (err instanceof UsageError) console.error(`\n${usage}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
