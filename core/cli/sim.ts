import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openDataFolder } from '../data/open-folder.js';
import { setLockOwner } from '../db/dir-lock.js';
import { loadMigrations } from '../db/migrate.js';
import type { PgliteDb } from '../db/pglite.js';
import { isoNow, SystemClock } from '../ports/clock.js';
import { consoleLog } from '../ports/log.js';
import { formatReport } from '../sim/report.js';
import { simulate } from '../sim/simulate.js';
import { parseFlags, UsageError } from './args.js';
import { clusterCacheDir } from './data-dir.js';
import { useWasmTier } from '../db/wasm-tiers.js';

const usage = `Usage: npm run sim -- --days N --seed S [--agents a,b] [--policy file.json] [--out dir] [--data-dir D]
Fast-forwards N days of company life on a virtual clock with a scripted model.
The same seed and inputs give the same database (printed as "digest: <hex>").
  --policy file.json   {"policy_key": value, …} used instead of the defaults
  --data-dir D         keep the simulated company in the data folder D (open it with: npm run serve -- --data-dir D);
                       a folder that holds a company goes on from it, opened as serve opens it
  --restore-latest-backup   with --data-dir: if its database does not open, set it aside and restore the newest backup
  --out dir            write report.json and report.md there`;

function bar(done: number): string {
  const w = 30;
  const n = Math.round(done * w);
  return `[${'#'.repeat(n)}${'.'.repeat(w - n)}] ${(done * 100).toFixed(0).padStart(3)}%`;
}

/** The data folder's company, opened as serve opens it (locked, an interrupted import finished, never an empty one made over a lost one); a new folder gets a new company. */
async function openFolder(dataDir: string, recovery: 'refuse' | 'restore-latest'): Promise<PgliteDb> {
  setLockOwner('npm run sim');
  const clock = new SystemClock();
  const opened = await openDataFolder(dataDir, { migrations: await loadMigrations(), now: isoNow(clock), clock, log: consoleLog('warn'), recovery, clusterCacheDir: clusterCacheDir(undefined) });
  return opened.db;
}

async function main(): Promise<void> {
  useWasmTier('optimized');
  const f = parseFlags(process.argv.slice(2), {
    days: 'number',
    seed: 'number',
    agents: 'string',
    policy: 'string',
    out: 'string',
    'data-dir': 'string',
    'restore-latest-backup': 'boolean',
    quiet: 'boolean',
    help: 'boolean',
  });
  if (f.help) return void console.log(usage);
  const days = f.days ?? 7;
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError('--days must be a whole number of days from 1 to 3650.');
  const seed = f.seed ?? 1;
  let policy: Record<string, unknown> | undefined;
  if (f.policy) {
    try {
      policy = JSON.parse(await readFile(f.policy, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(`Could not read the policy file ${f.policy}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!policy || typeof policy !== 'object' || Array.isArray(policy)) throw new UsageError('The policy file must hold an object of {"policy_key": value}.');
  }
  const tty = process.stderr.isTTY && !f.quiet;
  let last = -1;
  const dataDir = f['data-dir'] ? path.resolve(f['data-dir']) : undefined;
  const db = dataDir ? await openFolder(dataDir, f['restore-latest-backup'] ? 'restore-latest' : 'refuse') : undefined;
  let report: Awaited<ReturnType<typeof simulate>>['report'];
  try {
    ({ report } = await simulate({
      days,
      seed,
      ...(f.agents ? { agents: f.agents.split(',').map((a) => a.trim()).filter(Boolean) } : {}),
      ...(policy ? { policy } : {}),
      ...(dataDir && db ? { dataDir, db } : {}),
      clusterCacheDir: clusterCacheDir(undefined),
      wallClock: () => performance.now(),
      onProgress: (done) => {
        const pct = Math.floor(done * 100);
        if (f.quiet || pct === last) return;
        last = pct;
        if (tty) process.stderr.write(`\r${bar(done)}`);
        else if (pct % 10 === 0) process.stderr.write(`${bar(done)}\n`);
      },
    }));
  } finally {
    await db?.close();
  }
  if (tty) process.stderr.write('\n');
  const text = formatReport(report);
  console.log(text);
  // resourceUsage().maxRSS is in KiB: this process's peak resident memory, the whole run
  console.log(`peak memory: ${Math.round((process.resourceUsage().maxRSS * 1024) / 1e6)} MB resident`);
  if (f.out) {
    await mkdir(f.out, { recursive: true });
    await writeFile(path.join(f.out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    await writeFile(path.join(f.out, 'report.md'), text + '\n');
    console.error(`report written to ${path.join(f.out, 'report.json')} and report.md`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  if (err instanceof UsageError) console.error(usage);
  process.exit(err instanceof UsageError ? 2 : 1);
});
