/**
 * A new PGlite database starts with initdb: 3–6 s on a laptop, every time (a
 * new data folder, an import or a restore into a fresh folder, an in-memory
 * database, each run of a policy preview). The cluster initdb makes is the
 * same every time for one PGlite build, so the first one is kept as a tarball
 * in a cache folder, and later new databases load it instead (1–1.5 s).
 *
 * The tarball is named for the PGlite version and for how initdb is run
 * (INITDB_ARGS), so an upgrade or a change of those never loads an old one;
 * one that fails to load is deleted and initdb runs as before.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * What initdb is told beyond PGlite's own arguments: 1 MB WAL segments instead of 16 MB.
 * Postgres keeps a few segments for reuse, which in memory (PGlite's memory file system,
 * every test and simulation) is RAM and on disk is the size of an idle pg_wal: 5–64 MB
 * instead of 80 MB–1 GB. Clusters made before keep their 16 MB segments and open as ever.
 */
export const INITDB_ARGS = ['--wal-segsize=1'];
const CLUSTER_FORMAT = 'wal1m';

let version: string | null | undefined;
let writes = 0;

/** The installed PGlite's version, read from its package.json; null when it cannot be found (then nothing is cached). */
export function pgliteVersion(): string | null {
  if (version !== undefined) return version;
  version = null;
  try {
    let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) {
        version = pkg.version;
        break;
      }
    }
  } catch {
    // not resolvable from here: no cache
  }
  return version;
}

/** Names what an empty cluster made now is: the PGlite version and how initdb ran; null when the version is unknown. */
export function clusterTag(): string | null {
  const v = pgliteVersion();
  return v ? `${v}-${CLUSTER_FORMAT}` : null;
}

/** The tarball of an empty cluster for this PGlite in `cacheDir`, or null when the version is unknown. */
export function emptyClusterFile(cacheDir: string): string | null {
  const tag = clusterTag();
  return tag ? path.join(cacheDir, `pglite-${tag}-empty-cluster.tar`) : null;
}

/** True when opening `dataDir` (null: in memory) would run initdb: no folder yet, or an empty one. */
export function isNewCluster(dataDir: string | null): boolean {
  if (!dataDir) return true;
  if (!existsSync(dataDir)) return true;
  try {
    return readdirSync(dataDir).length === 0;
  } catch {
    return false;
  }
}

/** The cached empty cluster, or null when there is none (or it cannot be read). */
export async function readEmptyCluster(cacheDir: string): Promise<Blob | null> {
  const file = emptyClusterFile(cacheDir);
  if (!file || !existsSync(file)) return null;
  try {
    return new Blob([await readFile(file)]);
  } catch {
    return null;
  }
}

/** A name beside `file` for writing it before it is renamed into place (unique to this process and write). */
function partialOf(file: string): string {
  return `${file}.partial-${process.pid}-${++writes}`;
}

/** Keeps `dump` (of a cluster right after initdb) as the cache; written aside and renamed, so a reader never sees half a file. */
export async function writeEmptyCluster(cacheDir: string, dump: Blob): Promise<void> {
  const file = emptyClusterFile(cacheDir);
  if (!file) return;
  await mkdir(cacheDir, { recursive: true });
  const partial = partialOf(file);
  try {
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

/** Deletes a cached cluster that did not load. */
export async function dropEmptyCluster(cacheDir: string): Promise<void> {
  const file = emptyClusterFile(cacheDir);
  if (file) await rm(file, { force: true });
}

/**
 * initdb in PGlite grows its WebAssembly memory to ~850 MB, and a WebAssembly memory never
 * shrinks: a process that ran it keeps that much for as long as it lives (a desktop app's first
 * start, the first simulation on a machine). So the first empty cluster is made in a child
 * process that writes the cache and exits; the caller then loads the cache (~0.5 s) like every
 * later new database. Where no child can be started (no Node to run, the module not resolvable)
 * this returns false and the caller runs initdb itself.
 */
export async function makeEmptyClusterApart(cacheDir: string, timeoutMs = 180_000): Promise<boolean> {
  const file = emptyClusterFile(cacheDir);
  if (!file) return false;
  let pglite: string;
  try {
    pglite = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  } catch {
    return false;
  }
  await mkdir(cacheDir, { recursive: true });
  const partial = partialOf(file);
  const script = `
    const { writeFile, rename } = await import('node:fs/promises');
    const { PGlite } = await import(process.argv[1]);
    const pg = new PGlite('memory://', { initDbStartParams: JSON.parse(process.argv[2]) });
    await pg.waitReady;
    const dump = await pg.dumpDataDir('none');
    await writeFile(process.argv[3], Buffer.from(await dump.arrayBuffer()));
    await rename(process.argv[3], process.argv[4]);
    process.exit(0);`;
  // In Electron's main process execPath is the app itself: ELECTRON_RUN_AS_NODE makes it a plain Node.
  const env = { ...process.env, ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) };
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script, pglite, JSON.stringify(INITDB_ARGS), partial, file], { env, timeout: timeoutMs, windowsHide: true }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
    return existsSync(file);
  } catch {
    return false;
  } finally {
    await rm(partial, { force: true });
  }
}
