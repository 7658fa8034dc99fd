/**
 * A PGlite data folder holding `events` bulk-inserted events (the benchmarks'
 * fixture: bench/million-events.ts), for the feed test. Seeding a million
 * rows costs minutes on these machines, so the seeded folder is kept in the
 * temp directory under a hash of what it is made of (the migrations, the
 * fixture's SQL, the PGlite version, the count) and each test gets its own
 * copy of it: the test writes to its copy, never to the kept one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { insertEvents } from '../../bench/million-events.js';
import { migrated } from '../../bench/step-fixtures.js';
import { PgliteDb } from '../../core/db/pglite.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SEEDED = '.emt-seeded';
/** Kept folders of other source versions, unused this long, are removed when a new one is seeded. */
const STALE_MS = 24 * 3600_000;

async function removeStale(keep: string): Promise<void> {
  const tmp = os.tmpdir();
  for (const name of await readdir(tmp)) {
    if (!/^emt-feed-\d+-[0-9a-f]{16}$/.test(name) || name === keep) continue;
    const dir = path.join(tmp, name);
    const s = await stat(dir).catch(() => null);
    if (s && Date.now() - s.mtimeMs > STALE_MS) await rm(dir, { recursive: true, force: true });
  }
}

async function fixtureHash(events: number): Promise<string> {
  const h = createHash('sha256');
  h.update(`events=${events}\0`);
  h.update(readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json')));
  h.update(await readFile(path.join(root, 'bench/million-events.ts')));
  for (const f of (await readdir(path.join(root, 'migrations'))).sort()) h.update(f + '\0' + (await readFile(path.join(root, 'migrations', f), 'utf8')));
  return h.digest('hex').slice(0, 16);
}

export interface FeedFolder {
  /** This test's own copy: delete it when done. */
  dataDir: string;
  /** True when the kept folder had to be seeded now (the first run after its sources changed). */
  seeded: boolean;
  seedMs: number;
  copyMs: number;
}

/** A fresh copy of the seeded folder for `events` events, seeding it first when none is kept. */
export async function feedFolder(events: number): Promise<FeedFolder> {
  const kept = path.join(os.tmpdir(), `emt-feed-${events}-${await fixtureHash(events)}`);
  let seeded = false;
  const t0 = performance.now();
  if (!existsSync(path.join(kept, SEEDED))) {
    const partial = `${kept}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    try {
      const db = await migrated(await PgliteDb.open({ dataDir: partial }));
      await insertEvents(db, events);
      await db.close();
      await writeFile(path.join(partial, SEEDED), new Date().toISOString());
      await rm(kept, { recursive: true, force: true });
      await rename(partial, kept);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
    seeded = true;
    await removeStale(path.basename(kept)).catch(() => {});
  } else {
    await utimes(kept, new Date(), new Date()).catch(() => {});
  }
  const t1 = performance.now();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'emt-feed-copy-'));
  await cp(kept, dataDir, { recursive: true, filter: (src) => path.basename(src) !== SEEDED });
  return { dataDir, seeded, seedMs: t1 - t0, copyMs: performance.now() - t1 };
}
