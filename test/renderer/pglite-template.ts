/**
 * A fresh in-memory PGlite without paying initdb each time: the first call
 * opens one, dumps its empty data folder (before any migration) to a tarball
 * named for the PGlite version, and every later open — in this process or the
 * next — loads that tarball. The engine then migrates and seeds it on its own
 * clock as it would a new database, so nothing a test sees depends on when
 * the tarball was made. About 15 of the 20 seconds a first open costs on these
 * machines are initdb.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PgliteDb } from '../../core/db/pglite.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const version = (JSON.parse(readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version;
const TEMPLATE = path.join(os.tmpdir(), `emt-pglite-empty-${version}.tar`);

/** Writes the tarball of an empty, never-migrated data folder, if this PGlite version has none yet. */
export async function ensureEmptyPgliteTemplate(): Promise<string> {
  if (existsSync(TEMPLATE)) return TEMPLATE;
  const db = await PgliteDb.open();
  try {
    const dump = await db.dumpDataDir('none');
    const partial = `${TEMPLATE}.partial-${process.pid}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, TEMPLATE).catch(async (err: unknown) => {
      await rm(partial, { force: true });
      if (!existsSync(TEMPLATE)) throw err;
    });
  } finally {
    await db.close();
  }
  return TEMPLATE;
}

/** An empty in-memory PGlite, as `PgliteDb.open()` gives, loaded from the template. */
export async function openEmptyPglite(): Promise<PgliteDb> {
  const file = await ensureEmptyPgliteTemplate();
  return PgliteDb.open({ loadDataDir: new Blob([await readFile(file)]) });
}
