import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { policyDefaults } from '../../../core/ops/policy-schemas.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { setSetting } from '../../../core/publish/settings.ts';
import { dbKinds } from '../../support/db.ts';
import { startXrpcServer, type XrpcServer } from '../../support/xrpc-server.ts';
import { budgetEngine, pump, type BudgetEngine } from '../budget/harness.ts';

describe.each(dbKinds)('posts that wait for your yes on %s', (kind) => {
  let pds: XrpcServer;
  let e: BudgetEngine;
  beforeAll(async () => {
    pds = await startXrpcServer();
  });
  afterAll(async () => pds?.close());
  afterEach(async () => e?.close());

  let n = 0;
  const drafts = ['Weekend threads get twice the replies.', 'We shipped dark mode today.', 'Three tips for shorter standups.', 'Our changelog, now with pictures.'];
  const pending = () => e.handlers['proposals.list']({ status: 'pending' });
  const mission = async (proposalId: number) => (await e.db.query<{ id: number; status: string }>('SELECT id::int AS id, status FROM ops_missions WHERE proposal_id = $1', [proposalId])).rows[0];

  it('a drafted post lands in the inbox; approving (with an edit) posts it through Bluesky; metrics come back and teach a lesson; a rejection keeps its reason', async () => {
    pds.records.length = 0;
    e = await budgetEngine(kind, {
      kinds: ['draft_tweet', 'post_bluesky'],
      answer: () => drafts[n++ % drafts.length]!,
      policy: { autopost_policy: { enabled: true, platforms: ['bluesky'] } },
    });
    expect(policyDefaults.autopost_policy.enabled).toBe(false);
    expect(policyDefaults.auto_approve.allowed_step_kinds).not.toContain('post_bluesky');
    await setSetting(e.ctx, 'bluesky', { handle: `@${pds.account.handle}`, appPassword: pds.account.password, service: pds.url });
    await e.start();
    for (const topic of ['threads', 'dark mode', 'standups', 'changelog']) {
      await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'creator', title: `Draft about ${topic}`, steps: [{ kind: 'draft_tweet', payload: { topic, platform: 'bluesky' } }] });
    }
    await pump(e.clock, async () => (await pending()).length === 4);
    // one proposal per draft, in the order the drafts finished (two may finish together, in either order)
    const pendingNow = await pending();
    expect(pendingNow.map((p) => [p.agentId, p.proposedSteps[0]!.kind, p.title]).sort()).toEqual(drafts.map((d) => ['creator', 'post_bluesky', `Post to Bluesky: ${d}`]).sort());
    const inbox = drafts.map((d) => pendingNow.find((p) => p.title === `Post to Bluesky: ${d}`)!);
    expect((await e.db.query("SELECT 1 FROM ops_agent_events WHERE kind = 'post_awaiting_approval'")).rows).toHaveLength(4);
    expect(pds.records).toHaveLength(0); // nothing went out without a yes
    // reject one, with a reason
    const rejected = await e.handlers['proposals.decide']({ id: inbox[3]!.id, decision: 'reject', reason: 'Off-brand' });
    expect(rejected.proposal).toMatchObject({ status: 'rejected', rejectionReason: 'Off-brand', rejectedByGate: 'manual' });
    // an edit must keep the steps; a bad one is refused and nothing changes
    await expect(e.handlers['proposals.decide']({ id: inbox[0]!.id, decision: 'accept', steps: [{ kind: 'wait', payload: {} }] })).rejects.toMatchObject({ code: 'invalid_input' });
    expect((await pending()).map((p) => p.id)).toContain(inbox[0]!.id);
    // approve the first with the text edited, the others as drafted
    const edited = 'Weekend threads get twice the replies. Try one this Saturday!';
    await e.handlers['proposals.decide']({ id: inbox[0]!.id, decision: 'accept', steps: [{ kind: 'post_bluesky', payload: { text: edited } }] });
    for (const p of inbox.slice(1, 3)) await e.handlers['proposals.decide']({ id: p.id, decision: 'accept' });
    await pump(e.clock, async () => pds.records.length === 3);
    for (const p of inbox.slice(0, 3)) await pump(e.clock, async () => (await mission(p.id))?.status === 'succeeded');
    expect(pds.records.map((r) => (r.record as { text: string }).text)).toEqual([edited, drafts[1], drafts[2]]);
    expect(await mission(inbox[3]!.id)).toBeUndefined();
    // engagement happens on Bluesky; the heartbeat reads it back, and outcome learning runs on it
    pds.engagement.set(pds.records[0]!.uri, { likes: 2 });
    pds.engagement.set(pds.records[1]!.uri, { likes: 40, reposts: 5 });
    pds.engagement.set(pds.records[2]!.uri, { likes: 3 });
    const first = await e.heartbeat.runOnce({ force: true });
    expect(first?.jobs.find((j) => j.name === 'read_post_metrics')?.result).toEqual({ bluesky: { updated: 3 } });
    const posts = await e.handlers['posts.list']({});
    expect(posts.map((p) => [p.likes, p.reposts]).reverse()).toEqual([[2, 0], [40, 5], [3, 0]]);
    await e.heartbeat.runOnce({ force: true });
    const lessons = await e.db.query<{ agent_id: string; content: string }>("SELECT agent_id, content FROM ops_agent_memory WHERE provenance = 'outcome'");
    expect(lessons.rows).toEqual([{ agent_id: 'creator', content: expect.stringContaining('did well') }]);
    expect(lessons.rows[0]!.content).toContain(drafts[1]!.slice(0, 40));
    // it names the topic the post was drafted on, so it can steer the next choice of topic
    expect(lessons.rows[0]!.content).toContain('post on "dark mode" did well');
  });

  it('with auto-approval on for the platform, a draft posts within the quota gate', async () => {
    pds.records.length = 0;
    e = await budgetEngine(kind, {
      kinds: ['draft_tweet', 'post_bluesky'],
      answer: () => 'Auto-posted: the team shipped.',
      policy: {
        autopost_policy: { enabled: true, platforms: ['bluesky'] },
        auto_approve: { enabled: true, allowed_step_kinds: [...policyDefaults.auto_approve.allowed_step_kinds, 'post_bluesky'] },
        bluesky_daily_quota: { limit: 1 },
      },
    });
    await setSetting(e.ctx, 'bluesky', { handle: `@${pds.account.handle}`, appPassword: pds.account.password, service: pds.url });
    await e.start();
    for (const topic of ['one', 'two']) {
      await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'creator', title: `Draft ${topic}`, steps: [{ kind: 'draft_tweet', payload: { topic, platform: 'bluesky' } }] });
    }
    const posts = async () => (await e.db.query<{ status: string; rejection_reason: string | null }>("SELECT status, rejection_reason FROM ops_mission_proposals WHERE source_ref LIKE 'autopost:%' ORDER BY id")).rows;
    await pump(e.clock, async () => (await posts()).length === 2 && pds.records.length === 1);
    const got = await posts();
    expect(got[0]!.status).toBe('accepted');
    expect(got[1]).toMatchObject({ status: 'rejected', rejection_reason: expect.stringMatching(/quota|limit/i) });
  });
});
