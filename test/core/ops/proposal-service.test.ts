import { afterEach, describe, expect, it } from 'vitest';
import { createProposalAndMaybeAutoApprove, createProposals, decideProposal } from '../../../core/ops/proposal-service.ts';
import { getPolicy } from '../../../core/ops/policy.ts';
import { setPolicy } from '../../../core/ops/policy.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

describe.each(dbKinds)('proposal service on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  it('auto-approves allowed kinds into a mission with its first step queued and the rest pending', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const out = await createProposalAndMaybeAutoApprove(e.ctx, {
      agentId: 'brain',
      title: 'Look into pricing',
      steps: [{ kind: 'analyze', payload: { topic: 'pricing' } }, { kind: 'write_content', payload: {} }],
    });
    expect(out.proposal.status).toBe('accepted');
    expect(out.proposal.decidedBy).toBe('auto');
    expect(out.mission?.status).toBe('approved');
    const steps = await e.db.query<{ seq: number; status: string; kind: string }>(
      'SELECT seq, status, kind FROM ops_mission_steps WHERE mission_id = $1 ORDER BY seq',
      [out.mission!.id],
    );
    expect(steps.rows).toEqual([
      { seq: 0, status: 'queued', kind: 'analyze' },
      { seq: 1, status: 'pending', kind: 'write_content' },
    ]);
    const events = await pageEvents(e.db, { missionId: out.mission!.id });
    expect(events.items.map((x) => x.kind)).toContain('mission_created');
  });

  it('leaves a proposal with a kind outside auto_approve pending, and a person can accept it', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const out = await createProposalAndMaybeAutoApprove(e.ctx, {
      agentId: 'twitter-alt',
      title: 'Post the launch thread',
      steps: [{ kind: 'post_bluesky', payload: { text: 'hello' } }],
    });
    expect(out.proposal.status).toBe('pending');
    expect(out.mission).toBeUndefined();
    const decided = await decideProposal(e.ctx, { id: out.proposal.id, decision: 'accept' });
    expect(decided.proposal.status).toBe('accepted');
    expect(decided.proposal.decidedBy).toBe('user');
    expect(decided.mission?.id).toBeGreaterThan(0);
    await expect(decideProposal(e.ctx, { id: out.proposal.id, decision: 'reject' })).rejects.toThrow(/already accepted/);
  });

  it('a manual reject stores the reason', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'opus', title: 'Deploy', steps: [{ kind: 'post_tweet', payload: {} }] });
    const decided = await decideProposal(e.ctx, { id: out.proposal.id, decision: 'reject', reason: 'Not now' });
    expect(decided.proposal).toMatchObject({ status: 'rejected', rejectionReason: 'Not now', rejectedByGate: 'manual' });
  });

  it('rejects at the door when a cap gate is full, storing the reason and emitting an event, with nothing queued', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    await setPolicy(e.ctx, 'content_policy', { enabled: true, max_drafts_per_day: 2, max_length_chars: 20000 });
    for (let i = 0; i < 2; i++) {
      const ok = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'creator', title: `Draft ${i}`, steps: [{ kind: 'write_content', payload: {} }] });
      expect(ok.proposal.status).toBe('accepted');
    }
    const over = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'creator', title: 'Draft 3', steps: [{ kind: 'write_content', payload: {} }] });
    expect(over.proposal.status).toBe('rejected');
    expect(over.proposal.rejectedByGate).toBe('content_policy');
    expect(over.proposal.rejectionReason).toMatch(/Quota full \(2\/2\)/);
    expect(over.mission).toBeUndefined();
    const steps = await e.db.query<{ n: number }>("SELECT count(*)::int AS n FROM ops_mission_steps WHERE kind = 'write_content'");
    expect(steps.rows[0]!.n).toBe(2);
    const ev = await pageEvents(e.db, { kind: 'proposal_rejected' });
    expect(ev.items[0]?.summary).toMatch(/Quota full/);
  });

  it('counts several steps of one kind in one proposal against the quota', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    await setPolicy(e.ctx, 'x_daily_quota', { limit: 2 });
    const out = await createProposalAndMaybeAutoApprove(e.ctx, {
      agentId: 'twitter-alt',
      title: 'Three posts',
      steps: [1, 2, 3].map(() => ({ kind: 'post_tweet', payload: {} })),
    });
    expect(out.proposal.status).toBe('rejected');
    expect(out.proposal.rejectionReason).toMatch(/0\/2/);
  });

  it('a batch decides each proposal as if alone: the daily limit and the cap gates count the ones before it, an invalid one gets its error and the rest go on', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    await setPolicy(e.ctx, 'proposal_limits', { default_daily_limit: 5, per_agent: { growth: 2 } });
    await setPolicy(e.ctx, 'content_policy', { ...(await getPolicy(e.db, 'content_policy')), max_drafts_per_day: 1 });
    const scan = { agentId: 'growth', title: 'Scan', steps: [{ kind: 'analyze', payload: {} }] };
    const out = await createProposals(e.ctx, [
      scan,
      { agentId: 'brain', title: 'Write it up', steps: [{ kind: 'write_content', payload: {} }] },
      { ...scan, title: '' },
      scan,
      { agentId: 'creator', title: 'Write another', steps: [{ kind: 'write_content', payload: {} }] },
      scan,
      { agentId: 'nobody', title: 'x', steps: [{ kind: 'analyze', payload: {} }] },
    ]);
    const summary = out.map((r) => (r.ok ? [r.outcome.proposal.status, r.outcome.proposal.rejectedByGate] : [r.error.code]));
    expect(summary).toEqual([['accepted', null], ['accepted', null], ['invalid_input'], ['accepted', null], ['rejected', 'content_policy'], ['rejected', 'daily_limit'], ['not_found']]);
    const last = out[5]!;
    expect(last.ok && last.outcome.proposal.rejectionReason).toMatch(/2\/2/);
    // the same decisions one at a time: the batch counted exactly what single calls count
    const missions = await e.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_missions');
    expect(missions.rows[0]!.n).toBe(3);
    expect((await createProposalAndMaybeAutoApprove(e.ctx, scan)).proposal.rejectedByGate).toBe('daily_limit');
    expect((await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'opus', title: 'More', steps: [{ kind: 'write_content', payload: {} }] })).proposal.rejectedByGate).toBe('content_policy');
  });

  it('the per-agent daily limit resets at the start of the next day', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    await setPolicy(e.ctx, 'proposal_limits', { default_daily_limit: 5, per_agent: { growth: 2 } });
    const make = () => createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'growth', title: 'Scan', steps: [{ kind: 'analyze', payload: {} }] });
    expect((await make()).proposal.status).toBe('accepted');
    expect((await make()).proposal.status).toBe('accepted');
    const third = await make();
    expect(third.proposal).toMatchObject({ status: 'rejected', rejectedByGate: 'daily_limit' });
    expect(third.proposal.rejectionReason).toMatch(/2\/2/);
    // another agent is not affected
    const other = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: 'x', steps: [{ kind: 'analyze', payload: {} }] });
    expect(other.proposal.status).toBe('accepted');
    await (e.clock as import('../../../core/ports/clock.ts').FakeClock).advance(24 * 3600_000);
    expect((await make()).proposal.status).toBe('accepted');
  });

  it('refuses bad input with a readable error and writes nothing', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    await expect(createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'brain', title: '', steps: [] })).rejects.toThrow(
      /title is required.*at least one step|at least one step.*title/s,
    );
    await expect(
      createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'nobody', title: 'x', steps: [{ kind: 'analyze', payload: {} }] }),
    ).rejects.toThrow(/no agent "nobody"/);
    const n = await e.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_mission_proposals');
    expect(n.rows[0]!.n).toBe(0);
  });

  it('a disabled deploy policy rejects deploy proposals', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const out = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'opus', title: 'Ship', steps: [{ kind: 'deploy', payload: {} }] });
    expect(out.proposal).toMatchObject({ status: 'rejected', rejectedByGate: 'deploy_policy' });
  });
});
