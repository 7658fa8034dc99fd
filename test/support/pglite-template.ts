/**
 * Fresh in-memory PGlites without paying initdb each time.
 *
 * - empty: the app's own empty-cluster cache (core/db/empty-cluster.ts) in a
 * folder every test process shares (testClusterCacheDir, also handed to the
 * serve processes tests start): the first new database runs initdb and keeps
 * the tarball, later ones load it. The engine then migrates and seeds it on its
 * own clock as it would a new database, so nothing a test sees depends on when
 * the tarball was made.
 * - migrated: every migration applied at a fixed time, for freshDb('pglite'); named for
 * the PGlite version and a hash of the migrations and the migrator, so a changed
 * migration makes a new one. Built once by the global setup, so each test file loads
 * it (under a second) instead of running initdb and the migrations (4–10 s).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultMigrationsDir, migrate } from '../../core/db/migrate.js';
import { clusterTag } from '../../core/db/empty-cluster.js';
import { PgliteDb } from '../../core/db/pglite.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The empty-cluster cache of every test process and every serve process a test starts. */
export const testClusterCacheDir = process.env.EMT_CACHE_DIR ?? path.join(os.tmpdir(), 'emt-test-cluster-cache');

/** The time every migration of the migrated template is recorded at. */
export const MIGRATED_AT = '2026-01-01T00:00:00.000Z';

function migratedTemplatePath(): string {
  const h = createHash('sha256');
  const dir = defaultMigrationsDir();
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(path.join(dir, f)));
  h.update(readFileSync(path.join(root, 'core/db/migrate.ts'))).update(MIGRATED_AT);
  return path.join(os.tmpdir(), `emt-pglite-migrated-${clusterTag() ?? 'unknown'}-${h.digest('hex').slice(0, 16)}.tar`);
}

/** Writes `file` from a database `make` opens, unless it exists; written aside and renamed, so a reader never sees half a file. */
async function ensureTemplate(file: string, make: () => Promise<PgliteDb>): Promise<string> {
  if (existsSync(file)) return file;
  const db = await make();
  try {
    const dump = await db.dumpDataDir('none');
    const partial = `${file}.partial-${process.pid}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file).catch(async (err: unknown) => {
      await rm(partial, { force: true });
      if (!existsSync(file)) throw err;
    });
  } finally {
    await db.close();
  }
  return file;
}

/** Writes the tarball of a data folder with every migration applied at MIGRATED_AT, if none matches the migrations yet. */
export function ensureMigratedPgliteTemplate(): Promise<string> {
  return ensureTemplate(migratedTemplatePath(), async () => {
    const db = await openEmptyPglite();
    await migrate(db, { now: MIGRATED_AT });
    return db;
  });
}

/** An empty in-memory PGlite, as `PgliteDb.open()` gives, loaded from the shared empty-cluster cache. */
export function openEmptyPglite(): Promise<PgliteDb> {
  return PgliteDb.open({ clusterCacheDir: testClusterCacheDir });
}
