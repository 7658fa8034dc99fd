/**
 * One step of the export/import benchmark, alone in its own process, so its
 * peak memory is its own (not what an earlier step left in the heap):
 *
 *   tsx bench/children/export-import-step.ts export DATA_DIR ARCHIVE
 *   tsx bench/children/export-import-step.ts dump   DATA_DIR DUMP_FILE
 *   tsx bench/children/export-import-step.ts cache  CACHE_DIR NEW_DIR
 *   tsx bench/children/export-import-step.ts import ARCHIVE  NEW_DIR CACHE_DIR
 *   tsx bench/children/export-import-step.ts load   DUMP_FILE NEW_DIR
 *
 * Prints `RESULT {"seconds", "baseMiB", "peakMiB", "bytes"}`: baseMiB is the
 * process's resident memory just before the step is timed (node and the
 * modules; for export, dump and import also the open PGlite, which loadDataDir
 * only opens as its step); peakMiB its highest resident memory up to the end
 * of the step — the kernel's high-water mark (getrusage maxrss) when the step
 * raised it, else the highest of samples taken every 10 ms. So each peak is
 * that of a process that did nothing else, PGlite's WASM heap included. The
 * dump step's tarball is written to DUMP_FILE after the clock stops; the load
 * step's reading of it is inside the measurement (loadDataDir needs it in
 * memory). The import's fresh folder is made before the clock starts, from the
 * empty-cluster cache as the app makes it (`cache` writes that cache first, in
 * a process of its own): initdb in the measured process would grow PGlite's
 * heap to ~800 MiB first, and an import inside that heap would seem to need
 * nothing.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { exportArchive } from '../../core/data/export-archive.ts';
import { loadArchive } from '../../core/data/load-archive.ts';
import { loadMigrations } from '../../core/db/migrate.ts';
import { PgliteDb } from '../../core/db/pglite.ts';

const MiB = 2 ** 20;
const [op, from, to, cacheDir] = process.argv.slice(2);
if (!op || !from || !to) throw new Error('usage: export-import-step.ts export|dump|cache|import|load FROM TO [CACHE_DIR]');

const maxRss = (): number => process.resourceUsage().maxRSS * 1024;

async function measure(fn: () => Promise<void>): Promise<{ seconds: number; baseMiB: number; peakMiB: number }> {
  const base = process.memoryUsage().rss;
  const highBefore = maxRss();
  let sampled = base;
  const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 10);
  const t0 = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - t0) / 1000;
  sampled = Math.max(sampled, process.memoryUsage().rss);
  const highAfter = maxRss();
  const peak = highAfter > highBefore ? Math.max(highAfter, sampled) : sampled;
  return { seconds, baseMiB: base / MiB, peakMiB: peak / MiB };
}

const migrations = await loadMigrations();
let bytes = 0;
let result: { seconds: number; baseMiB: number; peakMiB: number };
if (op === 'export') {
  const db = await PgliteDb.open({ dataDir: from });
  result = await measure(async () => {
    bytes = (await exportArchive(db, { file: to, appVersion: 'bench', migrations, now: new Date().toISOString() })).bytes;
  });
  await db.close();
} else if (op === 'dump') {
  const db = await PgliteDb.open({ dataDir: from });
  let dump: Blob | null = null;
  result = await measure(async () => {
    dump = await db.dumpDataDir('gzip');
  });
  await db.close();
  const data = Buffer.from(await (dump as unknown as Blob).arrayBuffer());
  await writeFile(to, data);
  bytes = data.length;
} else if (op === 'cache') {
  result = await measure(async () => {
    await (await PgliteDb.open({ dataDir: to, clusterCacheDir: from })).close();
  });
} else if (op === 'import') {
  if (!cacheDir) throw new Error('import needs CACHE_DIR');
  const db = await PgliteDb.open({ dataDir: to, clusterCacheDir: cacheDir });
  result = await measure(async () => {
    await db.transaction((tx) => loadArchive(tx, from, { migrations, now: new Date().toISOString() }));
  });
  await db.close();
  bytes = (await stat(from)).size;
} else if (op === 'load') {
  result = await measure(async () => {
    const blob = new Blob([await readFile(from)]);
    const copy = await PgliteDb.open({ dataDir: to, loadDataDir: blob });
    await copy.close();
  });
  bytes = (await stat(from)).size;
} else {
  throw new Error(`unknown step ${op}`);
}
console.log(`RESULT ${JSON.stringify({ ...result, bytes })}`);
