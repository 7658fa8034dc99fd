import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { isNewCluster } from '../db/empty-cluster.js';
import type { Migration } from '../db/migrate.js';
import { PgliteDb, type PgliteOptions } from '../db/pglite.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { listBackups, type BackupInfo } from './backups.js';
import { finishSwap, moveSwapFolders, readSwapJournal, removeUnfinishedFolders, stamp, syncFolder, tracesOfACompany, undoSwap } from './db-swap.js';
import type { DataLayout } from './layout.js';
import { loadArchive } from './load-archive.js';
import { schemaVersion } from './schema-info.js';

export interface RecoverOptions {
  migrations: Migration[];
  /** From the Clock: the broken folder's name and the restore's time. */
  now: string;
  log: Log;
  /** 'refuse': throw a sentence naming the newest backup; 'restore-latest': set the folder aside and restore it. */
  recovery: 'refuse' | 'restore-latest';
  /** See PgliteOptions.clusterCacheDir (a restore into a new folder). */
  clusterCacheDir?: string;
  /** See PgliteOptions.clock. */
  clock?: Clock;
  /** false: a folder with no database and no trace of a company is refused (not_found) instead of getting a new one (an export). Default true. */
  createIfMissing?: boolean;
}

export interface Opened {
  db: PgliteDb;
  /** Set when the folder did not open and this backup was restored instead. */
  restored: { backup: BackupInfo; brokenFolder: string | null; reason: string } | null;
}

/** Emscripten's file-system errors carry a WASI errno and no message. */
const WASI_ERRNO: Record<number, string> = { 2: 'permission denied', 20: 'something is already in the way', 44: 'a file or folder is missing', 54: 'a path that should be a folder is not one', 63: 'not permitted', 51: 'the disk is full' };

/** A sentence for whatever opening the folder threw (an Error, or PGlite's file-system error objects). */
export function describeOpenError(err: unknown): string {
  if (err instanceof Error && /^Aborted\(\)/.test(err.message)) return 'PostgreSQL stopped while reading its files: some of them are damaged or missing';
  if (err instanceof Error && err.message) return err.message;
  if (err && typeof err === 'object' && 'errno' in err && typeof (err as { errno: unknown }).errno === 'number') {
    const errno = (err as { errno: number }).errno;
    return `file system error ${errno}${WASI_ERRNO[errno] ? `: ${WASI_ERRNO[errno]}` : ''}`;
  }
  if (typeof err === 'string' && err) return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

/** The data folder held a company, but db/ is missing, empty or holds no tables: never opened as a new company. */
class NoCompany extends Error {
  constructor(readonly traces: string[]) {
    super(`there is no company in it, though this data folder held one (${traces.join(', ')})`);
  }
}

/** Opens a PGlite folder and reads from it, so a folder that opens but cannot answer counts as not opening. */
async function openChecked(dataDir: string, cache: Omit<PgliteOptions, 'dataDir'>): Promise<PgliteDb> {
  const db = await PgliteDb.open({ dataDir, ...cache });
  try {
    await db.query('SELECT count(*) FROM pg_class');
    return db;
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}

/**
 * Opens the PGlite folder of a data folder. First a database swap a crash cut
 * short is finished (see db-swap.ts). Then, never an empty company: a folder
 * that does not open, or a missing or empty one where the data folder shows it
 * held a company (swap left-overs, a folder set aside, backups), is either
 * refused with a sentence that says what happened and which backup could be
 * restored, or, with 'restore-latest', set aside as db.broken-<time> while the
 * newest backup is restored into a new folder (loaded beside it as
 * db.restoring-<time> and renamed into place only when complete, so a kill
 * during the restore leaves no empty database behind), with a loud log line.
 */
export async function openOrRecover(layout: DataLayout, o: RecoverOptions): Promise<Opened> {
  const cache = { ...(o.clusterCacheDir ? { clusterCacheDir: o.clusterCacheDir } : {}), ...(o.clock ? { clock: o.clock } : {}) };
  const swap = await readSwapJournal(layout);
  if (swap) {
    o.log.warn(`Finishing a database ${swap.journal.op} that was cut short (${swap.journal.at}): ${path.basename(swap.next)} becomes db.`);
    await moveSwapFolders(layout, swap);
  }
  const backups = await listBackups(layout.backups).catch(() => [] as BackupInfo[]);
  let db: PgliteDb | null = null;
  try {
    if (isNewCluster(layout.db)) {
      const traces = await tracesOfACompany(layout, backups.length);
      if (traces.length) throw new NoCompany(traces);
      if (o.createIfMissing === false) throw new AppError('not_found', `There is no database in ${layout.root} (no ${layout.db}).`, { folder: layout.root });
    }
    db = await openChecked(layout.db, cache);
    if ((await schemaVersion(db)) === 0) {
      const traces = await tracesOfACompany(layout, backups.length);
      if (traces.length) throw new NoCompany(traces);
    }
  } catch (err) {
    await db?.close().catch(() => {});
    if (err instanceof AppError && (err.code === 'conflict' || err.code === 'not_found')) throw err;
    if (swap && existsSync(swap.old)) {
      // the database the swap put in place does not open: the one it replaced comes back
      const aside = `${layout.db}.broken-${stamp(o.now)}`;
      await undoSwap(layout, swap, aside);
      o.log.warn(`The database an interrupted ${swap.journal.op} put in place did not open (${describeOpenError(err)}); it was set aside as ${aside} and the previous one is back.`);
      return openOrRecover(layout, o);
    }
    return recover(layout, o, err, backups[0] ?? null, cache);
  }
  if (swap) await finishSwap(layout, swap);
  const removed = await removeUnfinishedFolders(layout);
  if (removed.length) o.log.info(`Removed ${removed.length} half-made database folder(s) an earlier run left behind`, { folders: removed });
  return { db, restored: null };
}

async function recover(layout: DataLayout, o: RecoverOptions, err: unknown, newest: BackupInfo | null, cache: Omit<PgliteOptions, 'dataDir'>): Promise<Opened> {
  const missing = err instanceof NoCompany;
  const reason = describeOpenError(err);
  if (o.recovery !== 'restore-latest' || !newest) {
    const replaced = missing ? err.traces.find((t) => t.startsWith('db.replaced-')) : undefined;
    const what = missing
      ? `There is no company in ${layout.db}, but this data folder held one (${err.traces.join(', ')}), so no new, empty company was made over it. `
      : `The database in ${layout.db} could not be opened (${reason}). `;
    throw new AppError(
      'unavailable',
      what +
        (newest
          ? `The newest backup is ${newest.id} (${newest.createdAt}); start again with --restore-latest-backup to ${missing ? '' : 'set the broken folder aside and '}restore it.`
          : `There is no backup in ${layout.backups} to restore; the folder was left as it is.` +
            (replaced ? ` The company as it was before an interrupted import may be in ${path.join(layout.root, replaced)}: rename it to ${layout.db} to bring it back.` : '')),
      { broken: layout.db, newestBackup: newest?.id ?? null },
    );
  }
  const at = stamp(o.now);
  const aside = existsSync(layout.db) ? `${layout.db}.broken-${at}` : null;
  if (aside) await rename(layout.db, aside);
  o.log.warn(
    `RESTORING FROM BACKUP: the database folder did not open (${reason}); ${aside ? `it was set aside as ${aside} and ` : ''}${newest.id} is being restored.`,
  );
  await removeUnfinishedFolders(layout);
  const staging = `${layout.db}.restoring-${at}`;
  const fresh = await PgliteDb.open({ dataDir: staging, ...cache });
  try {
    await fresh.transaction((tx) => loadArchive(tx, newest.file, { migrations: o.migrations, now: o.now }));
  } catch (e) {
    await fresh.close().catch(() => {});
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
  await fresh.close();
  await rename(staging, layout.db);
  await syncFolder(layout.root);
  const db = await openChecked(layout.db, cache);
  return { db, restored: { backup: newest, brokenFolder: aside, reason } };
}
