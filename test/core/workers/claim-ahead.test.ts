import { afterEach, describe, expect, it } from 'vitest';
import { getPolicy, setPolicy } from '../../../core/ops/policy.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import { FakeClock, SystemClock } from '../../../core/ports/clock.ts';
import type { Executor } from '../../../core/workers/executor.ts';
import { claimSteps, markMissionsRunning } from '../../../core/workers/steps.ts';
import { dbKinds } from '../../support/db.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';

/**
 * A step kind whose first `fast` steps return at once and the rest wait at a gate the test
 * opens (or until their signal aborts). Counts how many run at once.
 */
function gated(kind: string, fast: number): Executor & { runs: number[]; atOnce: number; open(): void } {
  let running = 0;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const ex = {
    kind,
    runs: [] as number[],
    atOnce: 0,
    open: () => open(),
    async run({ step, signal }: Parameters<Executor['run']>[0]) {
      ex.runs.push(step.id);
      running++;
      ex.atOnce = Math.max(ex.atOnce, running);
      try {
        if (ex.runs.length > fast) {
          await new Promise<void>((resolve, reject) => {
            void gate.then(resolve);
            signal.addEventListener('abort', () => reject(Object.assign(new Error('stopped'), { name: 'AbortError' })), { once: true });
          });
        }
        return { summary: 'done' };
      } finally {
        running--;
      }
    },
  };
  return ex;
}

describe.each(dbKinds)('claiming ahead on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  const statuses = async (k: string) =>
    (await e.db.query<{ id: number; status: string; reserved_by: string | null; attempts: number; agent: string }>(
      `SELECT s.id, s.status, s.reserved_by, s.attempts, m.created_by AS agent FROM ops_mission_steps s JOIN ops_missions m ON m.id = s.mission_id WHERE s.kind = $1 ORDER BY s.id`,
      [k],
    )).rows;

  async function engineWith(ex: Executor, concurrency: number, clock = new SystemClock()): Promise<void> {
    e = await testEngine(kind, { clock, executors: [ex], heartbeat: false, workers: { kinds: [ex.kind], pollMs: 50 } });
    const w = await getPolicy(e.db, 'workers');
    await setPolicy(e.ctx, 'workers', { kinds: { ...w.kinds, [ex.kind]: { enabled: true, concurrency } } });
    await setPolicy(e.ctx, 'proposal_limits', { default_daily_limit: 100, per_agent: {} });
  }

  async function queue(k: string, n: number, agents: string[] = ['opus']): Promise<number[]> {
    const missions: number[] = [];
    for (let i = 0; i < n; i++) {
      const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: agents[i % agents.length]!, title: `${k} ${i}`, steps: [{ kind: k, payload: {} }] });
      missions.push(out.mission!.id);
    }
    return missions;
  }

  it('holds fast steps claimed ahead, runs no more than its concurrency at once, and hands the unstarted ones back when it stops', async () => {
    const ex = gated('analyze', 6);
    await engineWith(ex, 2);
    await queue('analyze', 40);
    await e.start();
    // the first six set a fast pace; then two wait at the gate while more are claimed ahead
    const held = await eventually(async () => {
      const rows = (await statuses('analyze')).filter((r) => r.status === 'running');
      return ex.runs.length === 8 && rows.length > 2 ? rows : null;
    });
    expect(ex.atOnce).toBe(2);
    expect(held.length).toBeLessThanOrEqual(2 + 2 * (kind === 'postgres' ? 15 : 7));
    await e.pool!.stop();
    const after = await statuses('analyze');
    expect(after.filter((r) => r.status === 'succeeded')).toHaveLength(6);
    // the two stopped at the gate and every one claimed ahead: back in the queue, no attempt spent
    for (const r of after.filter((x) => x.status !== 'succeeded')) expect(r).toMatchObject({ status: 'queued', reserved_by: null, attempts: 0 });
    expect(ex.runs).toHaveLength(8);
  });

  it('claims slow steps only for free slots', async () => {
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    const slow: Executor = {
      kind: 'analyze',
      async run({ ctx, signal }) {
        await ctx.clock.sleep(60_000, signal);
        return { summary: 'slow' };
      },
    };
    await engineWith(slow, 2, clock);
    await queue('analyze', 8);
    await e.start();
    // two at a time, a minute each: a step claimed ahead would wait for a slot, so its time
    // from claim (started_at) to finish would be longer than the minute it ran
    for (let done = 2; done <= 8; done += 2) {
      await eventually(async () => (await statuses('analyze')).filter((r) => r.status === 'running').length === 2);
      await clock.advance(60_000);
      await eventually(async () => (await statuses('analyze')).filter((r) => r.status === 'succeeded').length === done);
    }
    const spans = await e.db.query<{ ms: number }>(`SELECT (extract(epoch FROM finished_at - started_at) * 1000)::int AS ms FROM ops_mission_steps WHERE kind = 'analyze'`);
    expect(spans.rows.map((r) => r.ms)).toEqual(Array(8).fill(60_000));
  });

  it('a cancelled mission whose step was claimed ahead never runs it and says it stopped', async () => {
    const ex = gated('analyze', 6);
    await engineWith(ex, 1);
    const missions = await queue('analyze', 30);
    await e.start();
    const waiting = await eventually(async () => {
      if (ex.runs.length !== 7) return null;
      const ahead = (await statuses('analyze')).filter((r) => r.status === 'running' && !ex.runs.includes(r.id));
      return ahead.length ? ahead : null;
    });
    const victim = waiting[0]!;
    const missionId = missions[victim.id - (await statuses('analyze'))[0]!.id]!;
    await e.handlers['missions.cancel']({ id: missionId });
    await eventually(async () => (await statuses('analyze')).find((r) => r.id === victim.id)!.reserved_by === null);
    ex.open();
    await eventually(async () => (await statuses('analyze')).every((r) => r.status === 'succeeded' || r.status === 'cancelled'));
    expect(ex.runs).not.toContain(victim.id);
    expect((await statuses('analyze')).find((r) => r.id === victim.id)!.status).toBe('cancelled');
    const stopped = await pageEvents(e.db, { kind: 'step_stopped' });
    expect(stopped.items.map((x) => x.stepId)).toEqual([victim.id]);
  });

  if (kind === 'postgres') {
    it('marking missions running never waits for a mission row another statement holds (it would stall both until the deadlock check)', async () => {
      const noop: Executor = { kind: 'analyze', run: async () => ({ summary: 'done' }) };
      await engineWith(noop, 1);
      const [held, free] = await queue('analyze', 2);
      const steps = await claimSteps(e.ctx, ['analyze'], 'w1', 2, [], { markMissions: false }); // as a PostgreSQL worker claims
      expect(steps.map((x) => x.missionId).sort()).toEqual([held, free].sort());
      await e.db.transaction(async (tx) => {
        await tx.query('SELECT id FROM ops_missions WHERE id = $1 FOR UPDATE', [held]);
        // resolves while the row is still held: had it waited, this transaction would never end
        await markMissionsRunning(e.ctx, steps);
      });
      const rows = await e.db.query<{ id: number; status: string }>('SELECT id::int AS id, status FROM ops_missions WHERE id = ANY($1::bigint[])', [[held, free]]);
      expect(Object.fromEntries(rows.rows.map((r) => [r.id, r.status]))).toEqual({ [held!]: 'approved', [free!]: 'running' });
    });
  }

  it("a paused agent's steps claimed ahead go back to the queue and wait", async () => {
    const ex = gated('analyze', 6);
    await engineWith(ex, 1);
    await queue('analyze', 30, ['opus', 'growth']);
    await e.start();
    await eventually(async () => ex.runs.length === 7 && (await statuses('analyze')).some((r) => r.status === 'running' && r.agent === 'growth' && !ex.runs.includes(r.id)));
    await e.handlers['agents.setPaused']({ id: 'growth', paused: true, reason: 'holiday' });
    // its claimed-ahead steps are handed back once the loop looks again
    await eventually(async () => (await statuses('analyze')).every((r) => r.agent !== 'growth' || r.status !== 'running' || ex.runs.includes(r.id)));
    const before = new Set(ex.runs);
    ex.open();
    await eventually(async () => (await statuses('analyze')).filter((r) => r.agent === 'opus').every((r) => r.status === 'succeeded'));
    const rows = await statuses('analyze');
    const agentOf = new Map(rows.map((r) => [r.id, r.agent]));
    // after the pause only opus's steps ran; growth's wait in the queue, no attempt spent
    expect(ex.runs.filter((id) => !before.has(id)).map((id) => agentOf.get(id))).toEqual(expect.arrayContaining(['opus']));
    expect(ex.runs.filter((id) => !before.has(id) && agentOf.get(id) === 'growth')).toEqual([]);
    const waiting = rows.filter((r) => r.agent === 'growth' && !before.has(r.id));
    expect(waiting.length).toBeGreaterThan(0);
    for (const r of waiting) expect(r).toMatchObject({ status: 'queued', reserved_by: null, attempts: 0 });
  });
});
