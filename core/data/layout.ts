import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a company's files live. The data folder holds the PGlite folder and
 * everything kept beside it:
 *
 *   <root>/db/          the embedded database (PGlite), locked by <root>/db.lock
 *   <root>/backups/     archives taken by the backup policy and before imports, restores and migrations
 *   <root>/exports/     archives written by data.export without a path (served by the download route)
 *   <root>/imports/     archives uploaded over HTTP, waiting for data.inspect / data.import
 *   <root>/pglite-cache/ the empty PGlite cluster new databases start from (core/db/empty-cluster.ts)
 *                       (not cache/: in the desktop app the folder is Electron's userData, whose
 *                       Chromium keeps its own Cache/, the same name on a case-insensitive disk)
 *
 * For a PostgreSQL server the same folders hang under a root chosen by the
 * caller (see core/cli/serve.ts), without db/.
 */
export interface DataLayout {
  root: string;
  db: string;
  backups: string;
  exports: string;
  imports: string;
  cache: string;
}

export function dataLayout(root: string): DataLayout {
  return {
    root,
    db: path.join(root, 'db'),
    backups: path.join(root, 'backups'),
    exports: path.join(root, 'exports'),
    imports: path.join(root, 'imports'),
    cache: path.join(root, 'pglite-cache'),
  };
}

const KEEP_AT_ROOT = new Set(['db', 'db.lock', 'db.moving', 'backups', 'exports', 'imports', 'pglite-cache']);

/**
 * Creates the data folder. A folder from before this layout (the PGlite files
 * straight in <root>) is moved into <root>/db first: through <root>/db.moving,
 * so a move cut short is finished on the next start, never half-used.
 */
export async function prepareDataDir(root: string): Promise<DataLayout> {
  const l = dataLayout(root);
  await mkdir(root, { recursive: true });
  const moving = path.join(root, 'db.moving');
  if (!existsSync(l.db) && (existsSync(path.join(root, 'PG_VERSION')) || existsSync(moving))) {
    await mkdir(moving, { recursive: true });
    for (const entry of await readdir(root)) {
      if (KEEP_AT_ROOT.has(entry) || entry.startsWith('db.')) continue;
      await rename(path.join(root, entry), path.join(moving, entry));
    }
    await rename(moving, l.db);
  }
  return l;
}

/**
 * Deletes what a process that no longer runs left half-written: `*.partial` files in backups/,
 * exports/ and imports/ (a backup, an export or an upload cut off by a kill or a power cut).
 * Only for whoever holds the folder's lock: no one else can be writing them. Returns their names.
 */
export async function removeUnfinished(l: DataLayout): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of [l.backups, l.exports, l.imports]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.partial')) continue;
      await rm(path.join(dir, name), { force: true });
      removed.push(path.join(path.basename(dir), name));
    }
  }
  return removed;
}
