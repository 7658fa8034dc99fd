/**
 * The simulator's speed: simulate({ days: 3, seed: 1 }) (1 day with --quick)
 * on the real engine and a virtual clock, in simulated days per wall second,
 * and 30 days extrapolated against the target (30 days ≤ 30 s). The fixed
 * cost (a 0-day run: open, migrate, seed, first heartbeat, digest, report) is
 * measured in the same run, so the extrapolation is fixed + 30 × per day.
 */
import { simulate } from '../core/sim/simulate.ts';
import type { BenchEnv } from './harness.ts';
import type { Figure } from './lib.ts';

export async function simulatorSpeed(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const days = env.quick ? 1 : 3;
  const wallClock = (): number => performance.now();
  const fixed = (await simulate({ days: 0, seed: 1, wallClock })).report.wallSeconds;
  const { report } = await simulate({ days, seed: 1, wallClock });
  const rate = days / report.wallSeconds;
  const perDay = Math.max(0, report.wallSeconds - fixed) / days;
  const thirty = fixed + 30 * perDay;
  emit({
    name: 'simulator speed (PGlite, virtual clock)',
    value: rate,
    unit: 'sim days/s',
    reference: { name: 'wall seconds', value: report.wallSeconds, unit: 's' },
    target: '≥ 1 sim day/s (30 days ≤ 30 s)',
    notes:
      `simulate({ days: ${days}, seed: 1 }): ${report.wallSeconds.toFixed(1)} s wall for ${report.heartbeats.runs} heartbeats, ` +
      `${report.steps.reduce((n, x) => n + x.n, 0)} steps, ${report.llm.reduce((n, x) => n + x.calls, 0)} scripted LLM calls, ${report.events} events`,
  });
  emit({
    name: 'simulator, 30 days extrapolated',
    value: thirty,
    unit: 's',
    reference: { name: 'fixed cost (0-day run)', value: fixed, unit: 's' },
    target: '≤ 30 s',
    notes: `fixed ${fixed.toFixed(1)} s + 30 × ${perDay.toFixed(1)} s per simulated day (from the ${days}-day run); 30 ÷ (days/s) would give ${(30 / rate).toFixed(0)} s`,
  });
}
