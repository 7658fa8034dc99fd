/**
 * The simulator as a user runs it: `npm run sim -- --days 30 --seed 1` (1 day with --quick), as a
 * child process, twice. Reported: the wall time of each run from start to exit (target ≤ 30 s),
 * its peak resident memory as the CLI prints it (target ≤ 400 MB), and whether both runs printed
 * the same digest; beside them, the same command for 1 day (the fixed cost: start, open, migrate,
 * seed, digest, report) measured in the same run. The empty-cluster cache is the bench's own:
 * a first 1-day run starts with none (as on a machine that never ran the app: its initdb runs in
 * a child process) and is reported on its own; the runs after it load the cluster it cached.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'emt-bench-cluster-cache-'));
  try {
    await measure(days, cacheDir, emit);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function measure(days: number, cacheDir: string, emit: (f: Figure) => void): Promise<void> {
  // nothing cached yet: the empty cluster is made (initdb in a child process) and kept
  const first = await runSim(1, cacheDir);
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
  emit({
    name: 'npm run sim -- --days 1 --seed 1, first run on a machine (no empty cluster cached): peak resident memory',
    value: first.peakMb,
    unit: 'MB',
    reference: { name: 'the same with the cluster cached', value: fixed.peakMb, unit: 'MB' },
    target: '≤ 400 MB',
    notes: `initdb grows a WebAssembly memory to ~850 MB that never shrinks; it runs in a child process that writes the cache and exits. Wall ${first.wallSeconds.toFixed(1)} s against ${fixed.wallSeconds.toFixed(1)} s cached`,
  });
}
