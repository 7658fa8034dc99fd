/**
 * Reopen-to-ready of a 1,000,000-event PGlite data folder: in a fresh process,
 * PgliteDb.open({ dataDir }) + createEngine (migrations checked, seeds
 * upserted) until it resolves, and the process's RSS then — beside the same for
 * a freshly migrated folder with no events, in the same run.
 */
import { PgliteDb } from '../core/db/pglite.ts';
import type { BenchEnv } from './harness.ts';
import type { Figure } from './lib.ts';
import { millionEvents } from './million-events.ts';
import { migrated } from './step-fixtures.ts';

interface Reopen {
  readyMs: number;
  openMs: number;
  rssBefore: number;
  rssAfter: number;
  heapUsed: number;
}

async function reopen(env: BenchEnv, dataDir: string): Promise<Reopen> {
  const child = env.spawnTsx('reopen', 'bench/children/reopen.ts', [dataDir]);
  try {
    const line = await child.waitFor(/^RESULT /, 120_000);
    return JSON.parse(line.slice('RESULT '.length)) as Reopen;
  } finally {
    await child.stop(30_000); // lets it close the database cleanly
  }
}

/** Median run of `times` (by ready time). */
async function median(env: BenchEnv, dataDir: string, times: number): Promise<Reopen & { all: number[] }> {
  const runs: Reopen[] = [];
  for (let i = 0; i < times; i++) runs.push(await reopen(env, dataDir));
  runs.sort((a, b) => a.readyMs - b.readyMs);
  return { ...runs[Math.floor((runs.length - 1) / 2)]!, all: runs.map((r) => r.readyMs) };
}

const MiB = 2 ** 20;

export async function reopenToReady(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const times = env.quick ? 1 : 3;
  const fixture = await millionEvents(env);
  const emptyDir = await env.tempDir('empty-');
  await (await migrated(await PgliteDb.open({ dataDir: emptyDir }))).close();

  const empty = await median(env, emptyDir, times);
  const big = await median(env, fixture.dataDir, times);
  const n = fixture.events.toLocaleString('en');
  emit({
    name: 'reopen-to-ready, 1M-event data folder (PGlite)',
    value: big.readyMs,
    unit: 'ms',
    reference: { name: 'empty migrated folder', value: empty.readyMs, unit: 'ms' },
    ratio: big.readyMs / empty.readyMs,
    notes: `${n} events; fresh process, PgliteDb.open ${big.openMs.toFixed(0)} ms + createEngine; median of ${times} (${big.all.map((x) => x.toFixed(0)).join(', ')} ms); OS file cache warm`,
  });
  emit({
    name: 'RSS after reopen, 1M-event data folder (PGlite)',
    value: big.rssAfter / MiB,
    unit: 'MiB',
    reference: { name: 'empty migrated folder', value: empty.rssAfter / MiB, unit: 'MiB' },
    ratio: big.rssAfter / empty.rssAfter,
    notes: `${n} events; the process (tsx + engine modules) was ${(big.rssBefore / MiB).toFixed(0)} MiB before opening; JS heap used ${(big.heapUsed / MiB).toFixed(0)} MiB`,
  });
}
