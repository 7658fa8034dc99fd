/**
 * Export and import of a 1,000,000-event company (bench/million-events.ts;
 * 100,000 with --quick): the logical archive (core/data) beside PGlite's own
 * physical copy of the same folder, dumpDataDir / loadDataDir — the physical
 * copy is the limit a logical one can approach.
 *
 * Each of the four steps runs alone in a process of its own
 * (bench/children/export-import-step.ts), one after the other, so a peak is
 * that step's and nothing else's: in one process, the import measured right
 * after dumpDataDir (whose 1 GB tarball was still held) showed "+0 MiB", as
 * the resident memory it started from was already above anything it used.
 * Peak memory is the process's highest resident set (PGlite's WASM heap
 * included), and above its level when the step started. The export must stay
 * flat however big the company is (keyset pages); dumpDataDir holds the
 * whole tarball in memory.
 */
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { BenchEnv } from './harness.ts';
import type { Figure } from './lib.ts';
import { millionEvents } from './million-events.ts';

const MiB = 2 ** 20;
const stepResult = z.object({ seconds: z.number(), baseMiB: z.number(), peakMiB: z.number(), bytes: z.number() });
type StepResult = z.infer<typeof stepResult>;

/** Runs one step in its own process and reads its RESULT line. */
async function step(env: BenchEnv, op: 'export' | 'dump' | 'cache' | 'import' | 'load', from: string, to: string, ...more: string[]): Promise<StepResult> {
  const child = env.spawnTsx(`export-import ${op}`, 'bench/children/export-import-step.ts', [op, from, to, ...more]);
  try {
    const line = await child.waitFor(/^RESULT /, 3_600_000);
    return stepResult.parse(JSON.parse(line.slice('RESULT '.length)));
  } finally {
    await child.stop();
  }
}

const above = (r: StepResult): string => `+${(r.peakMiB - r.baseMiB).toFixed(0)} MiB`;

export async function exportImport(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const fx = await millionEvents(env);
  const work = await env.tempDir('export-import-');
  const file = path.join(work, 'company.emtx');
  const dumpFile = path.join(work, 'company.tar.gz');
  const label = `${(fx.events / 1e6).toLocaleString('en')}M-event company`;

  const exp = await step(env, 'export', fx.dataDir, file);
  const dump = await step(env, 'dump', fx.dataDir, dumpFile);
  emit({
    name: `export ${label}: logical archive`,
    value: exp.seconds,
    unit: 's',
    reference: { name: 'PGlite dumpDataDir (physical, gzip)', value: dump.seconds, unit: 's' },
    ratio: exp.seconds / dump.seconds,
    notes: `archive ${(exp.bytes / MiB).toFixed(1)} MiB; dump ${(dump.bytes / MiB).toFixed(1)} MiB; each in a process of its own`,
  });
  emit({
    name: `export ${label}: peak memory of its process`,
    value: exp.peakMiB,
    unit: 'MiB',
    reference: { name: 'dumpDataDir', value: dump.peakMiB, unit: 'MiB' },
    notes: `above the open database before the step: export ${above(exp)}, dumpDataDir ${above(dump)}`,
  });

  // the app makes a new database from its empty-cluster cache, not by initdb: so does the import here
  const cache = path.join(work, 'pglite-cache');
  await step(env, 'cache', cache, path.join(work, 'first-new-database'));
  const imp = await step(env, 'import', file, path.join(work, 'imported'), cache);
  const load = await step(env, 'load', dumpFile, path.join(work, 'loaded'));
  emit({
    name: `import ${label}: validate + load + verify (fresh PGlite folder)`,
    value: imp.seconds,
    unit: 's',
    reference: { name: 'PGlite loadDataDir (physical)', value: load.seconds, unit: 's' },
    ratio: imp.seconds / load.seconds,
    notes: 'each in a process of its own; the import reads the archive twice (load, then checksum) and re-reads every table; its fresh folder is made (from the empty-cluster cache) before the clock starts, loadDataDir opens its own',
  });
  emit({
    name: `import ${label}: peak memory of its process`,
    value: imp.peakMiB,
    unit: 'MiB',
    reference: { name: 'loadDataDir', value: load.peakMiB, unit: 'MiB' },
    notes: `above the level before the step: import ${above(imp)} (PGlite already open), loadDataDir ${above(load)} (reading the dump and opening PGlite included)`,
  });
  if ((await stat(file)).size <= 0) throw new Error('empty archive');
  await rm(work, { recursive: true, force: true });
}
