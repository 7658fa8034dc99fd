import { describe, expect, it } from 'vitest';
import { simulate } from '../../../core/sim/simulate.ts';
import { fillSchema } from '../../../core/sim/schema-fill.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { z } from 'zod';
import { testEngine } from '../../support/engine.ts';
import { freshDb } from '../../support/db.ts';

/**
 * simulate() on a database of its own: a fresh migrated PGlite from the tests' pool, instead of
 * the new one simulate() would open and migrate (seconds each). Its migrations are recorded at the
 * template's time rather than the simulation's, the same in every run, so digests still compare.
 */
async function run(o: Omit<Parameters<typeof simulate>[0], 'db'>): Promise<Awaited<ReturnType<typeof simulate>>> {
  const db = await freshDb('pglite');
  try {
    return await simulate({ ...o, db });
  } finally {
    await db.close();
  }
}

describe('the simulator', () => {
  it('gives the same database for the same seed, and a different one for another seed', async () => {
    const a = await run({ days: 1, seed: 1 });
    const b = await run({ days: 1, seed: 1 });
    const c = await run({ days: 1, seed: 2 });
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(b.digest).toBe(a.digest);
    expect(c.digest).not.toBe(a.digest);
    // the report covers what the issue lists
    const r = a.report;
    expect(r.heartbeats.runs).toBe(288 + 1);
    expect(Object.keys(r.missions).length).toBeGreaterThan(0);
    expect(r.triggers).toHaveLength(11);
    expect(r.llm.reduce((n, x) => n + x.calls, 0)).toBeGreaterThan(0);
    expect(r.events).toBeGreaterThan(0);
  }, 300_000);

  it('applies a policy file: with auto-approve off, nothing runs and proposals wait', async () => {
    const { report } = await run({ days: 1, seed: 3, policy: { auto_approve: { enabled: false, allowed_step_kinds: [] } } });
    expect(report.missions).toEqual({});
    expect(report.steps).toEqual([]);
  }, 120_000);

  it('previews a policy change against the current policies and lists what differs', async () => {
    const e = await testEngine('pglite', { workers: false, heartbeat: false });
    try {
      const out = await e.handlers['sim.preview']({ days: 1, seed: 5, changes: { auto_approve: { enabled: false, allowed_step_kinds: [] } } });
      const succeeded = out.rows.find((r) => r.metric === 'missions succeeded');
      expect(succeeded).toMatchObject({ edited: 0 });
      expect(succeeded!.current).toBeGreaterThan(0);
      expect(succeeded!.delta).toBe(-succeeded!.current);
      await expect(e.handlers['sim.preview']({ days: 1, seed: 5, changes: { x_daily_quota: { limit: -3 } } })).rejects.toThrow(/x_daily_quota.*limit/);
    } finally {
      await e.close();
    }
  }, 180_000);

  it('fills any structured-output schema with valid, deterministic values', () => {
    const schema = z.object({
      memories: z.array(z.object({ agent_id: z.string(), type: z.enum(['insight', 'lesson']), confidence: z.number().min(0).max(1), content: z.string().max(120) })).max(6),
      pairwise_drift: z.array(z.object({ agent_a: z.string(), agent_b: z.string(), drift: z.number().min(-0.03).max(0.03) })).max(3),
    });
    const json = z.toJSONSchema(schema);
    const ctx = () => ({ random: new SeededRandom(9), agentIds: ['opus', 'brain'], sentence: () => 'A sentence.' });
    const v = fillSchema(json, ctx());
    expect(schema.safeParse(v).success).toBe(true);
    expect(fillSchema(json, ctx())).toEqual(v);
  });
});
