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

  it('a trigger-made proposal, through the heartbeat: the decision with its roll, the rule in words, and the memory that steered the topic; the mission leads to the same chain', async () => {
    // memory always steers when it can (probability 1), so the heartbeat's own choice records which memory did
    e = await rtEngine(kind, { initialPolicy: { memory_influence_policy: { enabled: true, probability: 1 } } });
    await e.db.query("UPDATE ops_trigger_rules SET enabled = (name = 'proactive_research')");
    const mem = await writeMemory(e.db, { agentId: 'brain', type: 'strategy', content: 'Retention drivers matter more than new signups', confidence: 0.9, provenance: 'conversation' }, now());
    await e.clock.advance(40 * 60_000); // a new company's proactive rules first wait 15–75 minutes, staggered
    await e.heartbeat.runOnce();
    const d = (await e.db.query<{ decision: string; roll: number; skip_probability: number; memory_id: number; proposal_id: number; topic: string }>(
      'SELECT decision, roll, skip_probability, memory_id::int AS memory_id, proposal_id::int AS proposal_id, topic FROM ops_trigger_decisions',
    )).rows;
    expect(d).toEqual([expect.objectContaining({ decision: 'fired', skip_probability: 0.1, memory_id: mem!.id, topic: 'retention drivers' })]);
    const roll = d[0]!.roll;
    expect(roll).toBeGreaterThanOrEqual(0.1);
    expect(roll).toBeLessThan(1);
    const rule = (await e.handlers['triggers.list']({})).find((r) => r.name === 'proactive_research')!;
    const why = await e.handlers['explain.why']({ proposalId: d[0]!.proposal_id });
    expect(kinds(why.chain)).toEqual(['proposal', 'trigger_decision', 'trigger_rule', 'memory']);
    expect(why.chain[0]!.detail).toBe('Brain proposed it (trigger); accepted');
    expect(why.chain[1]).toMatchObject({
      title: 'Rule "proactive_research" fired on "retention drivers"',
      detail: `Rolled ${roll.toFixed(3)}, above its 10 % chance to be skipped: it went ahead · proposal #${d[0]!.proposal_id} accepted`,
    });
    expect(why.chain[2]).toMatchObject({
      id: rule.id,
      title: 'proactive_research',
      detail: 'Every 6 h (plus 25–45 min), skipped 10 % of the time: Brain proposes analyze "Deep research: {topic}" on one of 4 topics',
    });
    expect(why.chain[3]).toMatchObject({ id: mem!.id, title: "Brain's strategy: Retention drivers matter more than new signups", detail: expect.stringContaining('steered the topic') });
    const mission = await e.db.query<{ id: number }>('SELECT id::int AS id FROM ops_missions WHERE proposal_id = $1', [d[0]!.proposal_id]);
    const viaMission = await e.handlers['explain.why']({ missionId: mission.rows[0]!.id });
    expect(kinds(viaMission.chain)).toEqual(['mission', 'proposal', 'trigger_decision', 'trigger_rule', 'memory']);
  });

  it('a reactive rule: no roll (it acts whenever its condition matches), said so, and its condition in words; run by hand says so', async () => {
    e = await rtEngine(kind);
    await e.db.query("UPDATE ops_trigger_rules SET enabled = (name = 'tweet_high_engagement')");
    await e.db.query(
      `INSERT INTO ops_posts (platform, agent_id, text, uri, remote_id, posted_at, likes, reposts, replies, metrics_at) VALUES ('bluesky', 'twitter-alt', 'banger', 'at://a/2', '2', $1, 30, 5, 2, $1)`,
      [now()],
    );
    await e.heartbeat.runOnce();
    const fired = (await e.db.query<{ proposal_id: number; roll: number | null }>("SELECT proposal_id::int AS proposal_id, roll FROM ops_trigger_decisions WHERE decision = 'fired'")).rows;
    expect(fired).toEqual([{ proposal_id: expect.any(Number), roll: null }]);
    const why = await e.handlers['explain.why']({ proposalId: fired[0]!.proposal_id });
    expect(kinds(why.chain)).toEqual(['proposal', 'trigger_decision', 'trigger_rule']);
    expect(why.chain[0]!.detail).toBe('Growth proposed it (trigger); accepted');
    expect(why.chain[1]!.detail).toMatch(/^No roll: a reactive rule acts whenever its condition matches · proposal #\d+ accepted$/);
    expect(why.chain[2]!.detail).toBe('When a post reaches 20 engagement (likes + 2 × reposts + 3 × replies) within 2 h: Growth proposes analyze on it; then waits 2 h before acting again');
    // "run now" from the scheduler ignores chance: no roll, and the chain says it was run by hand
    const research = (await e.handlers['triggers.list']({})).find((r) => r.name === 'proactive_research')!;
    const byHand = await e.handlers['triggers.runNow']({ id: research.id });
    const handWhy = await e.handlers['explain.why']({ proposalId: byHand.proposalId! });
    expect(handWhy.chain[1]!.detail).toMatch(/^Run by hand from the scheduler: no roll · /);
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
    expect(why.chain[2]).toMatchObject({ id: conv.id, detail: 'Opus, Brain, Observer' });
    expect(why.chain[3]).toMatchObject({ id: steer!.id });
    const learned = await e.db.query<{ id: number }>("SELECT id::int AS id FROM ops_agent_memory WHERE content = 'Signups drop at step 3'");
    const memWhy = await e.handlers['explain.why']({ memoryId: learned.rows[0]!.id });
    expect(kinds(memWhy.chain)).toEqual(['memory', 'conversation']);
    await expect(e.handlers['explain.why']({ proposalId: 999_999 })).rejects.toMatchObject({ code: 'not_found' });
  });
});
