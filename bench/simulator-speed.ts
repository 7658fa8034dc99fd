/**
 * The simulator's speed, as `npm run sim -- --days 30 --seed 1` runs it: simulate({ days: 30,
 * seed: 1 }) (1 day with --quick) on the real engine and a virtual clock, with the empty-cluster
 * cache the CLI uses (written by the 0-day run first if it is not there yet). Reported: the wall
 * time against the target (30 days ≤ 30 s), simulated days per wall second, and the fixed cost
 * (a 0-day run: open, migrate, seed, first heartbeat, digest, report) measured in the same run.
 */
import os from 'node:os';
import path from 'node:path';
import { simulate } from '../core/sim/simulate.ts';
import type { BenchEnv } from './harness.ts';
import type { Figure } from './lib.ts';

export async function simulatorSpeed(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const days = env.quick ? 1 : 30;
  const wallClock = (): number => performance.now();
  const clusterCacheDir = path.join(os.tmpdir(), 'emt-bench-cluster-cache');
  const fixed = (await simulate({ days: 0, seed: 1, wallClock, clusterCacheDir })).report.wallSeconds;
  const { report } = await simulate({ days, seed: 1, wallClock, clusterCacheDir });
  const perDay = Math.max(0, report.wallSeconds - fixed) / days;
  emit({
    name: `simulator, ${days} days (PGlite, virtual clock)`,
    value: report.wallSeconds,
    unit: 's',
    reference: { name: 'fixed cost (0-day run)', value: fixed, unit: 's' },
    target: days === 30 ? '≤ 30 s' : '≤ 1 s per simulated day',
    notes:
      `${(days / report.wallSeconds).toFixed(2)} simulated days/s; ${perDay.toFixed(2)} s per day beyond the fixed cost; ` +
      `${report.heartbeats.runs} heartbeats, ${report.steps.reduce((n, x) => n + x.n, 0)} steps, ${report.llm.reduce((n, x) => n + x.calls, 0)} scripted LLM calls, ` +
      `${report.events} events, ${report.posts.published} posts; digest ${report.digest.slice(0, 12)}`,
  });
}
