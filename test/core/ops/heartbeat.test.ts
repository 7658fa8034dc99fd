import { afterEach, describe, expect, it } from 'vitest';
import { Heartbeat } from '../../../core/ops/heartbeat.ts';
import { getMission } from '../../../core/ops/missions.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { setPolicy } from '../../../core/ops/policy.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { claimStep } from '../../../core/workers/steps.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

const MIN = 60_000;

describe.each(dbKinds)('heartbeat on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  it('runs every 5 minutes on the clock: 24 simulated hours record 288 runs', async () => {
    const clock = new FakeClock('2026-03-02T00:00:00Z');
    e = await testEngine(kind, { clock, workers: false });
    await e.start(); // first run now
    await clock.advance(24 * 60 * MIN - 1);
    const runs = await e.db.query<{ n: number; ok: number; first: string; last: string }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'succeeded')::int AS ok, min(started_at) AS first, max(started_at) AS last
       FROM ops_action_runs WHERE action = 'heartbeat'`,
    );
    expect(runs.rows[0]).toEqual({ n: 288, ok: 288, first: '2026-03-02T00:00:00.000Z', last: '2026-03-02T23:55:00.000Z' });
    const jobs = await e.db.query<{ jobs: { name: string; ok: boolean }[] }>('SELECT jobs FROM ops_action_runs ORDER BY id DESC LIMIT 1');
    expect(jobs.rows[0]!.jobs.map((j) => j.name)).toContain('recover_stale_steps');
    expect(jobs.rows[0]!.jobs.every((j) => j.ok)).toBe(true);
  });

  it('follows an interval change in policy without a restart', async () => {
    const clock = new FakeClock('2026-03-02T00:00:00Z');
    e = await testEngine(kind, { clock, workers: false });
    await setPolicy(e.ctx, 'heartbeat_policy', { enabled: true, interval_minutes: 15, stale_step_minutes: 30, trigger_budget_ms: 4000, reaction_budget_ms: 3000 });
    await e.start();
    await clock.advance(60 * MIN - 1);
    const runs = await e.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_action_runs`);
    expect(runs.rows[0]!.n).toBe(4);
  });

  it('records a failing job and marks the run partial, never succeeded; later jobs still run', async () => {
    e = await testEngine(kind, { workers: false });
    const hb = new Heartbeat(e.ctx, [
      { name: 'first', run: async () => ({ done: 1 }) },
      { name: 'broken', run: async () => { throw new Error('checker exploded'); } },
      { name: 'last', run: async () => 'fine' },
    ]);
    const run = await hb.runOnce();
    expect(run?.status).toBe('partial');
    expect(run?.jobs.map((j) => [j.name, j.ok])).toEqual([['first', true], ['broken', false], ['last', true]]);
    expect(run?.jobs[1]?.error).toBe('checker exploded');
    const stored = await e.db.query<{ status: string; jobs: { error?: string }[] }>('SELECT status, jobs FROM ops_action_runs WHERE id = $1', [run!.id]);
    expect(stored.rows[0]!.status).toBe('partial');
    expect(stored.rows[0]!.jobs[1]!.error).toBe('checker exploded');
    const allFail = new Heartbeat(e.ctx, [{ name: 'x', run: async () => { throw new Error('no'); } }]);
    expect((await allFail.runOnce())?.status).toBe('failed');
  });

  it('recovers a step left running past its 30-second lease: re-queued while attempts remain, else failed with its mission', async () => {
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    e = await testEngine(kind, { clock, workers: false });
    const a = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'A', steps: [{ kind: 'analyze', payload: {} }] });
    const b = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'B', steps: [{ kind: 'crawl', payload: {} }] });
    await e.db.query('UPDATE ops_mission_steps SET max_attempts = 1 WHERE mission_id = $1', [b.mission!.id]);
    const sa = await claimStep(e.ctx, ['analyze'], 'dead-worker');
    const sb = await claimStep(e.ctx, ['crawl'], 'dead-worker');
    expect(sa && sb).toBeTruthy();
    await clock.advance(29_000);
    const early = await e.heartbeat.runOnce();
    expect(early?.jobs.find((j) => j.name === 'recover_stale_steps')?.result).toEqual({ requeued: 0, failed: 0 });
    await clock.advance(2_000);
    const run = await e.heartbeat.runOnce();
    expect(run?.jobs.find((j) => j.name === 'recover_stale_steps')?.result).toEqual({ requeued: 1, failed: 1 });
    const ma = await getMission(e.db, a.mission!.id);
    expect(ma.steps[0]).toMatchObject({ status: 'queued', reservedBy: null, errorCode: 'stale' });
    const mb = await getMission(e.db, b.mission!.id);
    expect(mb.steps[0]).toMatchObject({ status: 'failed', errorCode: 'stale' });
    expect(mb.mission.status).toBe('failed');
    expect(mb.events.filter((x) => x.kind === 'mission_failed')).toHaveLength(1);
    // running the recovery again changes nothing
    const again = await e.heartbeat.runOnce();
    expect(again?.jobs.find((j) => j.name === 'recover_stale_steps')?.result).toEqual({ requeued: 0, failed: 0 });
  });

  it('lets only one heartbeat run at a time', async () => {
    e = await testEngine(kind, { workers: false });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let holding = false;
    const slow = new Heartbeat(e.ctx, [{ name: 'slow', run: () => ((holding = true), gate) }]);
    const first = slow.runOnce();
    // the first heartbeat holds the lock once its job runs
    await expect.poll(() => holding, { timeout: 30_000 }).toBe(true);
    const second = await new Heartbeat(e.ctx, [{ name: 'quick', run: async () => 1 }]).runOnce();
    expect(second).toBeNull();
    release();
    expect((await first)?.status).toBe('succeeded');
  });
});
