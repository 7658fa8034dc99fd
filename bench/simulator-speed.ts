/**
 * The simulator as a user runs it: `npm run sim -- --days 30 --seed 1` (1 day with --quick), as a
 * child process, twice. Reported: the wall time of each run from start to exit (target ≤ 30 s),
 * its peak resident memory as the CLI prints it (target ≤ 400 MB), and whether both runs printed
 * the same digest; beside them, the same command for 1 day (the fixed cost: start, open, migrate,
 * seed, digest, report) measured in the same run. The empty-cluster cache is the bench's own,
 * written by a warm-up run (not counted) if it is not there yet.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyClusterFile } from '../core/db/empty-cluster.ts';
import type { BenchEnv } from './harness.ts';
import type { Figure } from './lib.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface CliRun {
  wallSeconds: number;
  peakMb: number;
  digest: string;
  summary: string;
}

function runSim(days: number, cacheDir: string): Promise<CliRun> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'sim', '--', '--days', String(days), '--seed', '1', '--quiet'], {
      cwd: root,
      env: { ...process.env, EMT_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallSeconds = (performance.now() - t0) / 1000;
      const digest = /^digest: ([0-9a-f]{64})$/m.exec(out)?.[1];
      const peak = /^peak memory: (\d+) MB resident$/m.exec(out)?.[1];
      if (code !== 0 || !digest || !peak) return reject(new Error(`npm run sim -- --days ${days} failed (exit ${code}): ${err.slice(-500) || out.slice(-500)}`));
      const summary = [/^Steps: .*$/m, /^Posts: .*$/m, /^Events: .*$/m].map((re) => re.exec(out)?.[0] ?? '').filter(Boolean).join('; ');
      resolve({ wallSeconds, peakMb: Number(peak), digest, summary });
    });
  });
}

export async function simulatorSpeed(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const days = env.quick ? 1 : 30;
  const cacheDir = path.join(os.tmpdir(), 'emt-bench-cluster-cache');
  // the first new database here runs initdb (and its memory) once and caches the cluster; no figure counts it
  if (!existsSync(emptyClusterFile(cacheDir) ?? '')) await runSim(1, cacheDir);
  const fixed = await runSim(1, cacheDir);
  const a = await runSim(days, cacheDir);
  const b = await runSim(days, cacheDir);
  const same = a.digest === b.digest;
  const name = `npm run sim -- --days ${days} --seed 1`;
  emit({
    name: `${name}: wall time (PGlite in memory, virtual clock)`,
    value: Math.max(a.wallSeconds, b.wallSeconds),
    unit: 's',
    reference: { name: 'the same for 1 day (fixed cost)', value: fixed.wallSeconds, unit: 's' },
    target: days === 30 ? '≤ 30 s' : '≤ 1 s per simulated day',
    notes: `the slower of two runs (${a.wallSeconds.toFixed(1)} s, ${b.wallSeconds.toFixed(1)} s); ${same ? 'same digest' : 'DIFFERENT digests'} ${a.digest.slice(0, 12)}${same ? '' : ` / ${b.digest.slice(0, 12)}`}; ${a.summary}`,
  });
  emit({
    name: `${name}: peak resident memory`,
    value: Math.max(a.peakMb, b.peakMb),
    unit: 'MB',
    reference: { name: 'the same for 1 day', value: fixed.peakMb, unit: 'MB' },
    target: days === 30 ? '≤ 400 MB' : undefined,
    notes: 'process.resourceUsage().maxRSS of the sim process, as it prints it',
  });
}
