/**
 * `npm run serve` on a reopened 1,000,000-event company, as a user starts it: the compiled
 * server (`dist/cli/serve.js`, with the node flags package.json gives it) in a fresh process,
 * timed from spawn to its "listening" line; its resident memory then and after a while idle
 * (heartbeat and workers running, no Ollama) and the CPU it uses idling. Beside it, the same for an empty migrated company,
 * in the same run. Each company's first start takes its scheduled backup; that warm-up run is
 * not counted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { PgliteDb } from '../core/db/pglite.ts';
import { scriptNodeFlags, type BenchEnv } from './harness.ts';
import type { Figure } from './lib.ts';
import { buildCli } from '../test/support/serve-process.ts';
import { millionEvents } from './million-events.ts';
import { migrated } from './step-fixtures.ts';

const MiB = 2 ** 20;

const serveNodeFlags = (): string[] => scriptNodeFlags('serve', 'serve');

/** Resident memory of a process, in bytes (ps: KiB). */
function rssOf(pid: number): number {
  const r = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  return Number(r.stdout.trim()) * 1024;
}

/** CPU time a process has used, in ms (Linux /proc; null elsewhere). */
const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
function cpuMsOf(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks; // utime + stime
  } catch {
    return null;
  }
}

interface Start {
  readyMs: number;
  rssReady: number;
  rssIdle: number;
  /** Share of one core used while idling (null: not measurable here). */
  idleCpu: number | null;
}

async function startServe(env: BenchEnv, root: string, idleMs: number, until?: () => boolean): Promise<Start> {
  const t0 = performance.now();
  const child = env.spawnCommand('serve', process.execPath, [...serveNodeFlags(), 'dist/cli/serve.js', '--port', '0', '--data-dir', root, '--log-level', 'error']);
  try {
    await child.waitFor(/listening on http:\/\//, 120_000);
    const readyMs = performance.now() - t0;
    const pid = child.proc.pid!;
    const rssReady = rssOf(pid);
    // the first seconds after ready are the first heartbeat and the workers' first look: idle is after
    if (idleMs > 0) await new Promise((r) => setTimeout(r, 5_000));
    const cpu0 = cpuMsOf(pid);
    const t1 = performance.now();
    const end = t1 + idleMs;
    while (performance.now() < end || (until && !until())) await new Promise((r) => setTimeout(r, 250));
    const cpu1 = cpuMsOf(pid);
    const idleCpu = cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / (performance.now() - t1) : null;
    return { readyMs, rssReady, rssIdle: rssOf(pid), idleCpu };
  } finally {
    await child.stop(60_000); // SIGTERM: it stops the engine and closes the database
  }
}

const backedUp = (root: string) => (): boolean => {
  const dir = path.join(root, 'backups');
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.emtx'));
};

async function measure(env: BenchEnv, root: string, times: number, idleMs: number): Promise<Start & { all: number[] }> {
  await startServe(env, root, 0, backedUp(root)); // warm-up: the first start's scheduled backup
  // every run times the start; the last one also idles (memory and CPU are read from it)
  const runs: Start[] = [];
  for (let i = 0; i < times; i++) runs.push(await startServe(env, root, i === times - 1 ? idleMs : 0));
  const idled = runs[runs.length - 1]!;
  const byReady = [...runs].sort((a, b) => a.readyMs - b.readyMs);
  return { ...idled, readyMs: byReady[Math.floor((runs.length - 1) / 2)]!.readyMs, all: runs.map((r) => r.readyMs) };
}

/** A data folder (root/db) whose database is `dbDir`, left where it is. */
async function companyAt(env: BenchEnv, dbDir: string): Promise<string> {
  const root = await env.tempDir('serve-');
  await symlink(dbDir, path.join(root, 'db'));
  return root;
}

export async function reopenToReady(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const times = env.quick ? 1 : 3;
  const idleMs = env.quick ? 3_000 : 120_000;
  await buildCli();
  const fixture = await millionEvents(env);
  const emptyDb = await env.tempDir('empty-');
  await (await migrated(await PgliteDb.open({ dataDir: emptyDb }))).close();

  const empty = await measure(env, await companyAt(env, emptyDb), times, idleMs);
  const big = await measure(env, await companyAt(env, fixture.dataDir), times, idleMs);
  const n = fixture.events.toLocaleString('en');
  emit({
    name: 'npm run serve on a reopened 1M-event company: spawn to listening',
    value: big.readyMs,
    unit: 'ms',
    reference: { name: 'empty migrated company', value: empty.readyMs, unit: 'ms' },
    ratio: big.readyMs / empty.readyMs,
    target: '≤ 1 s',
    notes: `${n} events; compiled serve with ${serveNodeFlags().join(' ') || 'no node flags'}; median of ${times} (${big.all.map((x) => x.toFixed(0)).join(', ')} ms); OS file cache warm`,
  });
  emit({
    name: 'npm run serve, 1M-event company: resident memory at ready / after idling',
    value: big.rssIdle / MiB,
    unit: 'MiB',
    reference: { name: 'empty migrated company, after idling', value: empty.rssIdle / MiB, unit: 'MiB' },
    ratio: big.rssIdle / empty.rssIdle,
    target: '≤ 300 MB',
    notes: `${(big.rssReady / MiB).toFixed(0)} MiB at ready, ${(big.rssIdle / MiB).toFixed(0)} MiB after ${idleMs / 1000} s idle (heartbeat and workers running, no Ollama host)`,
  });
  if (big.idleCpu !== null && empty.idleCpu !== null) {
    emit({
      name: 'npm run serve, 1M-event company idling: CPU',
      value: big.idleCpu * 100,
      unit: '% of a core',
      reference: { name: 'empty migrated company', value: empty.idleCpu * 100, unit: '% of a core' },
      target: '≤ 1 %',
      notes: `over ${idleMs / 1000} s with the heartbeat and workers running and no work (no Ollama host answers), from 5 s after ready`,
    });
  }
}
