import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { AppError } from '../api/errors.js';
import type { Migration } from '../db/migrate.js';
import { PgliteDb } from '../db/pglite.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { listBackups, type BackupInfo } from './backups.js';
import type { DataLayout } from './layout.js';
import { loadArchive } from './load-archive.js';

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
}

export interface Opened {
  db: PgliteDb;
  /** Set when the folder did not open and this backup was restored instead. */
  restored: { backup: BackupInfo; brokenFolder: string; reason: string } | null;
}

const stamp = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');

/** Emscripten's file-system errors carry a WASI errno and no message. */
const WASI_ERRNO: Record<number, string> = { 2: 'permission denied', 20: 'something is already in the way', 44: 'a file or folder is missing', 54: 'a path that should be a folder is not one', 63: 'not permitted', 51: 'the disk is full' };

/** A sentence for whatever opening the folder threw (an Error, or PGlite's file-system error objects). */
export function describeOpenError(err: unknown): string {
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

/**
 * Opens the PGlite folder of a data folder. If it does not open (a power cut,
 * a disk error), never an empty company: either refuse with a sentence that
 * says what happened and which backup could be restored, or set the broken
 * folder aside as db.broken-<time> and restore the newest backup into a new
 * one, with a loud log line.
 */
export async function openOrRecover(layout: DataLayout, o: RecoverOptions): Promise<Opened> {
  const cache = { ...(o.clusterCacheDir ? { clusterCacheDir: o.clusterCacheDir } : {}), ...(o.clock ? { clock: o.clock } : {}) };
  try {
    const db = await PgliteDb.open({ dataDir: layout.db, ...cache });
    try {
      await db.query('SELECT count(*) FROM pg_class');
    } catch (err) {
      await db.close().catch(() => {});
      throw err;
    }
    return { db, restored: null };
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') throw err;
    const reason = describeOpenError(err);
    const newest = (await listBackups(layout.backups).catch(() => []))[0] ?? null;
    if (o.recovery !== 'restore-latest' || !newest) {
      throw new AppError(
        'unavailable',
        `The database in ${layout.db} could not be opened (${reason}). ` +
          (newest
            ? `The newest backup is ${newest.id} (${newest.createdAt}); start again with --restore-latest-backup to set the broken folder aside and restore it.`
            : `There is no backup in ${layout.backups} to restore; the folder was left as it is.`),
        { broken: layout.db, newestBackup: newest?.id ?? null },
      );
    }
    const aside = `${layout.db}.broken-${stamp(o.now)}`;
    if (existsSync(layout.db)) await rename(layout.db, aside);
    o.log.warn(`RESTORING FROM BACKUP: the database folder did not open (${reason}); it was set aside as ${aside} and ${newest.id} is being restored.`);
    const db = await PgliteDb.open({ dataDir: layout.db, ...cache });
    try {
      await db.transaction((tx) => loadArchive(tx, newest.file, { migrations: o.migrations, now: o.now }));
    } catch (e) {
      await db.close();
      throw e;
    }
    return { db, restored: { backup: newest, brokenFolder: aside, reason } };
  }
}
