import { afterEach, describe, expect, it } from 'vitest';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { setPolicy } from '../../../core/ops/policy.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import type { FakeClock } from '../../../core/ports/clock.ts';
import { claimStep, failStep } from '../../../core/workers/steps.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

describe.each(dbKinds)('reaction matrix on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  /** Creates a one-step mission for `agent` and fails it for good. */
  async function failAMission(agent: string, title: string) {
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: agent, title, steps: [{ kind: 'crawl', payload: { url: 'https://example.com' } }] });
    const step = await claimStep(e.ctx, ['crawl'], 'w');
    await failStep(e.ctx, step!, 'w', { mode: 'fatal', code: 'crawl_failed', message: 'site down', delayMs: 0 });
    return out.mission!.id;
  }

  it('turns a failed mission, through mission_failed and the matrix, into an accepted proposal for the diagnosing agent; a repeat within the cooldown does not fire', async () => {
    e = await testEngine(kind, { workers: false });
    // isolate the matrix from the mission_failed trigger rule
    await e.db.query(`UPDATE ops_trigger_rules SET enabled = false`);
    await failAMission('growth', 'Read the news');
    const rolls = await e.handlers['reactions.list']({});
    expect(rolls.rolls).toHaveLength(1);
    expect(rolls.rolls[0]).toMatchObject({ target: 'brain', probability: 1, outcome: 'queued' });
    expect(rolls.reactions[0]).toMatchObject({ targetAgent: 'brain', reactionType: 'diagnose', status: 'queued' });

    const run = await e.heartbeat.runOnce();
    expect(run?.jobs.find((j) => j.name === 'process_reactions')?.result).toMatchObject({ proposed: 1, rejected: 0 });
    const brain = await e.handlers['proposals.list']({ agentId: 'brain' });
    expect(brain).toHaveLength(1);
    expect(brain[0]).toMatchObject({ source: 'reaction', status: 'accepted', title: 'Diagnose: Read the news' });
    expect(brain[0]!.proposedSteps[0]!.kind).toBe('analyze');

    await (e.clock as FakeClock).advance(10 * 60_000);
    await failAMission('growth', 'Read the news again');
    const after = await e.handlers['reactions.list']({});
    expect(after.rolls[0]).toMatchObject({ outcome: 'cooldown' });
    expect(after.reactions).toHaveLength(1);

    await (e.clock as FakeClock).advance(61 * 60_000);
    await failAMission('growth', 'Third try');
    expect((await e.handlers['reactions.list']({})).rolls[0]!.outcome).toBe('queued');
  });

  it('records lost rolls, and the cap gates still hold for reaction-made proposals', async () => {
    e = await testEngine(kind, { workers: false });
    await e.db.query(`UPDATE ops_trigger_rules SET enabled = false`);
    await setPolicy(e.ctx, 'reaction_matrix', {
      patterns: [
        { source: '*', tags: ['mission_failed'], target: 'brain', type: 'diagnose', probability: 1, cooldown: 0 },
        { source: '*', tags: ['mission_failed'], target: 'observer', type: 'review', probability: 0, cooldown: 0 },
      ],
    });
    await setPolicy(e.ctx, 'proposal_limits', { default_daily_limit: 20, per_agent: { brain: 0 } });
    await failAMission('growth', 'Doomed');
    const { rolls } = await e.handlers['reactions.list']({});
    expect(rolls.map((r) => [r.target, r.outcome]).sort()).toEqual([
      ['brain', 'queued'],
      ['observer', 'lost_roll'],
    ]);
    const run = await e.heartbeat.runOnce();
    expect(run?.jobs.find((j) => j.name === 'process_reactions')?.result).toMatchObject({ proposed: 0, rejected: 1 });
    const p = await e.handlers['proposals.list']({ agentId: 'brain' });
    expect(p[0]).toMatchObject({ status: 'rejected', rejectedByGate: 'daily_limit', source: 'reaction' });
  });

  it('the mission_failed trigger rule and the matrix never give one agent two proposals for one failure', async () => {
    e = await testEngine(kind, { workers: false });
    await failAMission('creator', 'Write it');
    await e.heartbeat.runOnce();
    const brain = (await e.handlers['proposals.list']({ agentId: 'brain' })).filter((p) => p.sourceRef?.startsWith('event:'));
    expect(brain).toHaveLength(1);
    const reactions = await e.handlers['reactions.list']({});
    expect(reactions.reactions[0]!.status).toBe('duplicate');
    expect(brain[0]).toMatchObject({ source: 'trigger', title: expect.stringMatching(/^Diagnose failed mission #\d+$/) });
  });

  it('cap gates hold for trigger-made proposals: a full quota rejects them, and the decision says why', async () => {
    e = await testEngine(kind, { workers: false });
    await setPolicy(e.ctx, 'crawl_policy', { enabled: true, max_per_day: 0, allowed_hosts: [], timeout_ms: 15000, max_bytes: 2000000, max_redirects: 5 });
    const rules = await e.handlers['triggers.list']({});
    const crawl = rules.find((r) => r.name === 'proactive_crawl_sources')!;
    const out = await e.handlers['triggers.runNow']({ id: crawl.id });
    expect(out.decision).toBe('rejected');
    expect(out.reason).toMatch(/Quota full \(0\/0\)/);
    const d = await e.handlers['triggers.decisions']({ ruleId: crawl.id });
    expect(d[0]).toMatchObject({ decision: 'rejected', manual: true });
    const after = (await e.handlers['triggers.list']({})).find((r) => r.id === crawl.id)!;
    expect(after.fireCount).toBe(0);
    expect(after.lastResult).toMatch(/^rejected: Quota full/);
    const ev = await pageEvents(e.db, { kind: 'proposal_rejected' });
    expect(ev.items[0]!.tags).toContain('crawl_policy');
  });
});
