/**
 * Export and import of a 1,000,000-event company (bench/million-events.ts;
 * 100,000 with --quick): the logical archive (core/data) beside PGlite's own
 * physical copy of the same folder, dumpDataDir / loadDataDir — the physical
 * copy is the limit a logical one can approach. Peak memory is the highest
 * RSS above the level before each step, sampled every 20 ms in this process
 * (PGlite's WASM heap included). The export must stay flat however big the
 * company is (keyset pages); dumpDataDir holds the whole tarball in memory.
 */
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { exportArchive } from '../core/data/export-archive.ts';
import { loadArchive } from '../core/data/load-archive.ts';
import { loadMigrations } from '../core/db/migrate.ts';
import { PgliteDb } from '../core/db/pglite.ts';
import type { BenchEnv } from './harness.ts';
import type { Figure } from './lib.ts';
import { millionEvents } from './million-events.ts';

const MiB = 2 ** 20;

async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; peakMiB: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds: (performance.now() - t0) / 1000, peakMiB: (peak - base) / MiB };
  } finally {
    clearInterval(timer);
  }
}

export async function exportImport(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const fx = await millionEvents(env);
  const work = await env.tempDir('export-import-');
  const file = path.join(work, 'company.emtx');
  const label = `${(fx.events / 1e6).toLocaleString('en')}M-event company`;

  const db = await PgliteDb.open({ dataDir: fx.dataDir });
  const exp = await measure(() => exportArchive(db, { file, appVersion: 'bench', now: new Date().toISOString() }));
  const dump = await measure(() => db.dumpDataDir('gzip'));
  await db.close();
  const dumpBytes = dump.value.size;
  emit({
    name: `export ${label}: logical archive`,
    value: exp.seconds,
    unit: 's',
    reference: { name: 'PGlite dumpDataDir (physical, gzip)', value: dump.seconds, unit: 's' },
    ratio: exp.seconds / dump.seconds,
    notes: `archive ${(exp.value.bytes / MiB).toFixed(1)} MiB, peak RSS +${exp.peakMiB.toFixed(0)} MiB; dump ${(dumpBytes / MiB).toFixed(1)} MiB, peak RSS +${dump.peakMiB.toFixed(0)} MiB`,
  });
  emit({ name: `export ${label}: peak memory above start`, value: exp.peakMiB, unit: 'MiB', reference: { name: 'dumpDataDir', value: dump.peakMiB, unit: 'MiB' } });

  const migrations = await loadMigrations();
  const target = await PgliteDb.open({ dataDir: path.join(work, 'imported') });
  const imp = await measure(() => target.transaction((tx) => loadArchive(tx, file, { migrations, now: new Date().toISOString() })));
  await target.close();
  const load = await measure(async () => {
    const copy = await PgliteDb.open({ dataDir: path.join(work, 'loaded'), loadDataDir: dump.value });
    await copy.close();
  });
  emit({
    name: `import ${label}: validate + load + verify (fresh PGlite folder)`,
    value: imp.seconds,
    unit: 's',
    reference: { name: 'PGlite loadDataDir (physical)', value: load.seconds, unit: 's' },
    ratio: imp.seconds / load.seconds,
    notes: `peak RSS +${imp.peakMiB.toFixed(0)} MiB (loadDataDir +${load.peakMiB.toFixed(0)} MiB); the import reads the archive twice (load, then checksum) and re-reads every table`,
  });
  emit({ name: `import ${label}: peak memory above start`, value: imp.peakMiB, unit: 'MiB', reference: { name: 'loadDataDir', value: load.peakMiB, unit: 'MiB' } });
  const folder = await stat(file);
  if (folder.size <= 0) throw new Error('empty archive');
  await rm(work, { recursive: true, force: true });
}
