import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { z } from 'zod';
import type { backupInfo, backupReason } from '../api/data-calls.js';
import { AppError } from '../api/errors.js';
import type { Db } from '../db/db.js';
import type { Migration } from '../db/migrate.js';
import { ARCHIVE_NAME, archiveFileName, headerLine, type HeaderLine } from './archive-format.js';
import { exportArchive, type ArchiveProgress } from './export-archive.js';

export type BackupInfo = z.infer<typeof backupInfo>;
export type BackupReason = z.infer<typeof backupReason>;

/** Reads only the first line (the manifest header) of an archive; null when it is not one. */
export async function readHeader(file: string): Promise<HeaderLine | null> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  const rl = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  const failed = new Promise<null>((resolve) => {
    input.once('error', () => resolve(null));
    gunzip.once('error', () => resolve(null));
  });
  try {
    const first = await Promise.race([
      (async () => {
        for await (const line of rl) return line;
        return null;
      })(),
      failed,
    ]);
    if (first === null) return null;
    const parsed = headerLine.safeParse(JSON.parse(first));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  } finally {
    rl.close();
    input.destroy();
    gunzip.destroy();
  }
}

/** The backups in `dir`, newest first (files that are not archives are left out). */
export async function listBackups(dir: string): Promise<BackupInfo[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => ARCHIVE_NAME.test(n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: BackupInfo[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const h = await readHeader(file);
    if (!h) continue;
    out.push({
      id: name,
      file,
      bytes: (await stat(file)).size,
      reason: h.reason ?? 'manual',
      createdAt: h.createdAt,
      schemaVersion: h.schemaVersion,
      rows: h.tables.reduce((n, t) => n + t.rows, 0),
    });
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
}

export interface CreateBackupOptions {
  dir: string;
  reason: BackupReason;
  now: string;
  appVersion: string;
  /** This build's migrations (which tables are the app's: see appTableNames). */
  migrations: readonly Migration[];
  onProgress?: (p: ArchiveProgress) => void;
}

/** Writes a backup archive of `db` into `dir` (never overwriting one). */
export async function createBackup(db: Db, o: CreateBackupOptions): Promise<BackupInfo> {
  await mkdir(o.dir, { recursive: true });
  let name = archiveFileName(o.now, o.reason);
  for (let i = 2; (await stat(path.join(o.dir, name)).catch(() => null)) !== null; i++) name = archiveFileName(o.now, `${o.reason}-${i}`);
  const file = path.join(o.dir, name);
  const { manifest, bytes } = await exportArchive(db, {
    file,
    appVersion: o.appVersion,
    migrations: o.migrations,
    now: o.now,
    reason: o.reason,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  return { id: name, file, bytes, reason: o.reason, createdAt: o.now, schemaVersion: manifest.schemaVersion, rows: manifest.tables.reduce((n, t) => n + t.rows, 0) };
}

/** The path of backup `id` in `dir`; refuses anything but a bare archive name. */
export function backupPath(dir: string, id: string): string {
  if (!ARCHIVE_NAME.test(id)) throw new AppError('invalid_input', `"${id}" is not the name of a backup (like 2026-12-02T10-00-00Z-scheduled.emtx).`);
  return path.join(dir, id);
}

export async function deleteBackup(dir: string, id: string): Promise<void> {
  const file = backupPath(dir, id);
  if (!(await stat(file).catch(() => null))) throw new AppError('not_found', `There is no backup called ${id}.`);
  await rm(file);
}

/** Keeps the newest `keep` backups (whatever their reason) and deletes the rest. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const all = await listBackups(dir);
  const removed: string[] = [];
  for (const b of all.slice(keep)) {
    await rm(b.file, { force: true });
    removed.push(b.id);
  }
  return removed;
}
