import { afterEach, describe, expect, it } from 'vitest';
import { writeMemory } from '../../../core/memory/store.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { distillConversation } from '../../../core/roundtable/distill.ts';
import { claimStep, failStep } from '../../../core/workers/steps.ts';
import { dbKinds } from '../../support/db.ts';
import { conversationWithTurns, rtEngine, type Answer, type RtEngine } from '../roundtable/harness.ts';

describe.each(dbKinds)('explain.why on %s', (kind) => {
  let e: RtEngine;
  afterEach(async () => e?.close());
  const kinds = (chain: { kind: string }[]) => chain.map((l) => l.kind);
  const now = () => new Date(e.clock.now()).toISOString();

  it('a trigger-made proposal: the decision, the rule, and the memory that steered the topic; the mission leads to the same chain', async () => {
    e = await rtEngine(kind);
    const mem = await writeMemory(e.db, { agentId: 'growth', type: 'insight', content: 'Threads beat single posts on weekdays', confidence: 0.9, provenance: 'conversation' }, now());
    await e.db.query(
      `INSERT INTO ops_posts (platform, agent_id, text, uri, remote_id, posted_at, likes, reposts, replies, metrics_at) VALUES ('bluesky', 'twitter-alt', 'banger', 'at://a/2', '2', $1, 30, 5, 2, $1)`,
      [now()],
    );
    const rule = (await e.handlers['triggers.list']({})).find((r) => r.name === 'tweet_high_engagement')!;
    const fired = await e.handlers['triggers.runNow']({ id: rule.id });
    expect(fired.decision).toBe('fired');
    // the decision said which memory steered it (memory influence), as the heartbeat records it
    await e.db.query('UPDATE ops_trigger_decisions SET memory_influenced = true, memory_id = $1 WHERE proposal_id = $2', [mem!.id, fired.proposalId]);
    const why = await e.handlers['explain.why']({ proposalId: fired.proposalId! });
    expect(kinds(why.chain)).toEqual(['proposal', 'trigger_decision', 'trigger_rule', 'memory']);
    expect(why.chain[1]!.title).toContain('Rule "tweet_high_engagement" fired');
    expect(why.chain[2]).toMatchObject({ id: rule.id, title: 'tweet_high_engagement' });
    expect(why.chain[3]).toMatchObject({ id: mem!.id, detail: expect.stringContaining('steered the topic') });
    const mission = await e.db.query<{ id: number }>('SELECT id::int AS id FROM ops_missions WHERE proposal_id = $1', [fired.proposalId]);
    const viaMission = await e.handlers['explain.why']({ missionId: mission.rows[0]!.id });
    expect(kinds(viaMission.chain)).toEqual(['mission', 'proposal', 'trigger_decision', 'trigger_rule', 'memory']);
  });

  it('a reaction-made proposal: the reaction, its roll, the event it reacted to, and back to the task that failed', async () => {
    e = await rtEngine(kind);
    await e.db.query('UPDATE ops_trigger_rules SET enabled = false');
    const task = await createProposalAndMaybeAutoApprove(e.ctx, { agentId: 'growth', title: 'Read the news', steps: [{ kind: 'crawl', payload: { url: 'https://example.com' } }] });
    const step = await claimStep(e.ctx, ['crawl'], 'w');
    await failStep(e.ctx, step!, 'w', { mode: 'fatal', code: 'crawl_failed', message: 'site down', delayMs: 0 });
    await e.heartbeat.runOnce();
    const made = (await e.handlers['proposals.list']({ agentId: 'brain' }))[0]!;
    expect(made.source).toBe('reaction');
    const why = await e.handlers['explain.why']({ proposalId: made.id });
    expect(kinds(why.chain)).toEqual(['proposal', 'reaction', 'reaction_roll', 'event', 'mission', 'proposal', 'user']);
    expect(why.chain[2]!.title).toMatch(/^Rolled .* against 1\.00: queued$/);
    expect(why.chain[3]!.detail).toContain('mission_failed');
    expect(why.chain[5]).toMatchObject({ id: task.proposal.id, title: 'Read the news' });
  });

  it('a roundtable-made proposal: the action item, its conversation, and the memory that steered its topic; a memory leads to its conversation', async () => {
    const replies: Answer[] = [];
    e = await rtEngine(kind, { responder: () => replies.shift() ?? 'no more replies' });
    const steer = await writeMemory(e.db, { agentId: 'opus', type: 'strategy', content: 'Fix onboarding before growth', confidence: 0.85, provenance: 'conversation' }, now());
    const conv = await conversationWithTurns(e, 'war_room', ['opus', 'brain', 'observer']);
    await e.db.query('UPDATE ops_roundtable_queue SET memory_id = $1 WHERE id = $2', [steer!.id, conv.id]);
    replies.push({
      json: {
        memories: [{ agent_id: 'brain', type: 'insight', content: 'Signups drop at step 3', confidence: 0.75, tags: ['onboarding'] }],
        pairwise_drift: [],
        action_items: [{ title: 'Measure the step-3 drop', agent_id: 'brain', step_kind: 'analyze' }],
      },
    });
    expect(await distillConversation({ ctx: e.ctx, llm: e.llm! }, conv)).toMatchObject({ actionItems: 1 });
    const made = (await e.handlers['proposals.list']({ agentId: 'brain' })).find((p) => p.source === 'roundtable')!;
    const why = await e.handlers['explain.why']({ proposalId: made.id });
    expect(kinds(why.chain)).toEqual(['proposal', 'action_item', 'conversation', 'memory']);
    expect(why.chain[2]).toMatchObject({ id: conv.id, detail: 'opus, brain, observer' });
    expect(why.chain[3]).toMatchObject({ id: steer!.id });
    const learned = await e.db.query<{ id: number }>("SELECT id::int AS id FROM ops_agent_memory WHERE content = 'Signups drop at step 3'");
    const memWhy = await e.handlers['explain.why']({ memoryId: learned.rows[0]!.id });
    expect(kinds(memWhy.chain)).toEqual(['memory', 'conversation']);
    await expect(e.handlers['explain.why']({ proposalId: 999_999 })).rejects.toMatchObject({ code: 'not_found' });
  });
});
