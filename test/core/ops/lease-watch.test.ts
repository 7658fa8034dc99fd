import { afterEach, describe, expect, it } from 'vitest';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { getMission } from '../../../core/ops/missions.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import { getPolicy, setPolicy } from '../../../core/ops/policy.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { claimStep } from '../../../core/workers/steps.ts';
import type { Executor } from '../../../core/workers/executor.ts';
import { dbKinds } from '../../support/db.ts';
import { eventually, testEngine, type TestEngine } from '../../support/engine.ts';

const SEC = 1000;

/** Runs for `ms` of the engine's clock (0: returns at once). */
const slow = (ms: number): Executor => ({
  kind: 'analyze',
  async run({ ctx, signal }) {
    if (ms > 0) await ctx.clock.sleep(ms, signal);
    return { summary: 'done' };
  },
});

describe.each(dbKinds)('step leases on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  const stepOf = async (missionId: number) => (await getMission(e.db, missionId)).steps[0]!;

  it('a worker renews the lease of a long step every quarter of it, so the step is never taken from it', async () => {
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    e = await testEngine(kind, { clock, executors: [slow(3 * 60 * SEC)], workers: { kinds: ['analyze'] }, heartbeat: false });
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'Long read', steps: [{ kind: 'analyze', payload: {} }] });
    await e.start();
    await eventually(async () => (await stepOf(out.mission!.id)).status === 'running');
    let last = (await stepOf(out.mission!.id)).heartbeatAt!;
    for (let t = 0; t < 2 * 60; t += 10) {
      await clock.advance(10 * SEC);
      const step = await stepOf(out.mission!.id);
      if (step.status !== 'running') break;
      // renewed at least every 7.5 s of a 30 s lease
      expect(clock.now() - Date.parse(step.heartbeatAt!)).toBeLessThanOrEqual(10 * SEC);
      last = step.heartbeatAt!;
    }
    expect(Date.parse(last)).toBeGreaterThan(Date.parse('2026-03-02T09:01:45Z'));
    await clock.advance(60 * SEC);
    await eventually(async () => (await stepOf(out.mission!.id)).status === 'succeeded');
    expect((await stepOf(out.mission!.id)).attempts).toBe(1);
    expect((await pageEvents(e.db, { kind: 'step_recovered' })).items).toHaveLength(0);
  });

  if (kind === 'postgres') {
    it('the lease watch hands the step of a worker that died to another within 1.25 leases, without waiting for the heartbeat', async () => {
      const clock = new FakeClock('2026-03-02T09:00:00Z');
      e = await testEngine(kind, { clock, workers: false });
      const hb = await getPolicy(e.db, 'heartbeat_policy');
      expect(hb.stale_step_minutes).toBe(0.5);
      await setPolicy(e.ctx, 'heartbeat_policy', { ...hb, interval_minutes: 60 });
      const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'Orphan', steps: [{ kind: 'analyze', payload: {} }] });
      expect(await claimStep(e.ctx, ['analyze'], 'worker-that-died')).toBeTruthy();
      await e.start(); // the heartbeat runs once now, then not for an hour
      let requeuedAfter = 0;
      for (let t = 0; t < 60; t++) {
        await clock.advance(SEC);
        if ((await stepOf(out.mission!.id)).status === 'queued') {
          requeuedAfter = t + 1;
          break;
        }
      }
      expect(requeuedAfter).toBeGreaterThanOrEqual(30);
      expect(requeuedAfter).toBeLessThanOrEqual(38);
      const recovered = await pageEvents(e.db, { kind: 'step_recovered' });
      expect(recovered.items.map((x) => x.summary)).toEqual(['Its worker (worker-that-died) stopped answering for over 30 seconds.']);
    });
  } else {
    it('at start, a step a gone process left running goes back to the queue at once and runs', async () => {
      const clock = new FakeClock('2026-03-02T09:00:00Z');
      e = await testEngine(kind, { clock, executors: [slow(0)], workers: { kinds: ['analyze'] }, heartbeat: false });
      const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'Left behind', steps: [{ kind: 'analyze', payload: {} }] });
      expect(await claimStep(e.ctx, ['analyze'], 'proc-before-the-crash')).toBeTruthy();
      await e.start();
      await eventually(async () => (await stepOf(out.mission!.id)).status === 'succeeded');
      const step = await stepOf(out.mission!.id);
      expect(step.attempts).toBe(2); // the attempt the gone process started counts
      const recovered = await pageEvents(e.db, { kind: 'step_recovered' });
      expect(recovered.items.map((x) => [x.stepId, x.summary])).toEqual([[step.id, 'The app stopped while it ran; it runs again.']]);
    });
  }
});
