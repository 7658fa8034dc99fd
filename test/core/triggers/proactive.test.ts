import { describe, expect, it } from 'vitest';
import { evaluateTriggers } from '../../../core/triggers/evaluate.ts';
import { initialDelayMinutes, seedRules } from '../../../core/triggers/rules-seed.ts';
import { setPolicy } from '../../../core/ops/policy.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { testEngine } from '../../support/engine.ts';

const MIN = 60_000;
const DAYS = 7;
const HEARTBEAT = 5 * MIN;

/** Runs the trigger job every 5 minutes for 7 simulated days; returns the firing sequence. */
async function simulate(seed: number): Promise<{ sequence: string[]; fires: Map<string, number> }> {
  const clock = new FakeClock('2026-03-02T00:00:00Z');
  const e = await testEngine('pglite', { clock, random: new SeededRandom(seed), workers: false, heartbeat: false });
  try {
    await setPolicy(e.ctx, 'proposal_limits', { default_daily_limit: 100, per_agent: {} });
    for (let t = 0; t < (DAYS * 24 * 60 * MIN) / HEARTBEAT; t++) {
      await evaluateTriggers(e.ctx);
      await clock.advance(HEARTBEAT);
    }
    const d = await e.db.query<{ name: string; decision: string; created_at: string; topic: string }>(
      `SELECT r.name, d.decision, d.created_at, d.topic FROM ops_trigger_decisions d JOIN ops_trigger_rules r ON r.id = d.rule_id ORDER BY d.id`,
    );
    const fires = new Map<string, number>();
    for (const row of d.rows) if (row.decision === 'fired') fires.set(row.name, (fires.get(row.name) ?? 0) + 1);
    const counts = await e.db.query<{ name: string; fire_count: number }>('SELECT name, fire_count FROM ops_trigger_rules');
    for (const c of counts.rows) expect(c.fire_count).toBe(fires.get(c.name) ?? 0);
    return { sequence: d.rows.map((r) => `${r.created_at} ${r.name} ${r.decision} ${r.topic ?? ''}`), fires };
  } finally {
    await e.close();
  }
}

describe('proactive rules over 7 simulated days', () => {
  it('fire about as often as cooldown, jitter and skip probability imply, and the same seed repeats exactly', async () => {
    const a = await simulate(11);
    for (const [i, rule] of seedRules.filter((r) => r.kind === 'proactive').entries()) {
      const total = DAYS * 24 * 60 - initialDelayMinutes(i); // minutes this rule can be active
      const c = rule.conditions as { skip_probability: number; jitter_minutes: [number, number] };
      // one cycle (fire or skip) lasts cooldown + jitter, plus up to one heartbeat before it is noticed
      const longest = rule.cooldown_minutes + c.jitter_minutes[1] + 5;
      const shortest = rule.cooldown_minutes + c.jitter_minutes[0];
      const cyclesMin = Math.floor(total / longest);
      const cyclesMax = Math.ceil(total / shortest) + 1;
      const p = 1 - c.skip_probability;
      const sd = Math.sqrt(cyclesMax * p * (1 - p));
      const lo = Math.floor(cyclesMin * p - 3 * sd);
      const hi = Math.ceil(cyclesMax * p + 3 * sd);
      const fired = a.fires.get(rule.name) ?? 0;
      expect(fired, `${rule.name}: ${fired} fires, expected ${lo}–${hi}`).toBeGreaterThanOrEqual(Math.max(1, lo));
      expect(fired, `${rule.name}: ${fired} fires, expected ${lo}–${hi}`).toBeLessThanOrEqual(hi);
    }
    const skips = a.sequence.filter((s) => s.includes(' skipped')).length;
    expect(skips).toBeGreaterThan(0);
    const b = await simulate(11);
    expect(b.sequence).toEqual(a.sequence);
    const c = await simulate(12);
    expect(c.sequence).not.toEqual(a.sequence);
  }, 240_000);
});
