import { afterEach, describe, expect, it } from 'vitest';
import { pageEvents } from '../../../core/ops/events.ts';
import { applyDistillation, distillConversation } from '../../../core/roundtable/distill.ts';
import { dbKinds } from '../../support/db.ts';
import { messy, PEOPLE } from './distill-fixture.ts';
import { conversationWithTurns, rtEngine, type Answer, type RtEngine } from './harness.ts';

describe.each(dbKinds)('distillation on %s', (kind) => {
  let e: RtEngine;
  let replies: Answer[];
  afterEach(async () => e?.close());

  async function setup(): Promise<void> {
    replies = [];
    e = await rtEngine(kind, { responder: () => replies.shift() ?? 'no more replies' });
  }
  const affinity = async (a: string, b: string) =>
    (await e.db.query<{ affinity: number; total_interactions: number; positive_interactions: number; negative_interactions: number; drift_log: unknown[] }>(
      'SELECT affinity, total_interactions, positive_interactions, negative_interactions, drift_log FROM ops_agent_relationships WHERE agent_a = $1 AND agent_b = $2',
      [a < b ? a : b, a < b ? b : a],
    )).rows[0]!;
  const memories = async () =>
    (await e.db.query<{ agent_id: string; type: string; content: string; confidence: number; tags: string[]; source_trace_id: string; provenance: string }>(
      'SELECT agent_id, type, content, confidence, tags, source_trace_id, provenance FROM ops_agent_memory ORDER BY id',
    )).rows;

  it('keeps exactly what the rules allow: 6 most confident valid memories, clamped drifts, valid action items', async () => {
    await setup();
    const conv = await conversationWithTurns(e, 'standup', PEOPLE);
    replies.push({ json: messy });
    const out = await distillConversation({ ctx: e.ctx, llm: e.llm! }, conv);
    expect(out).toEqual({ status: 'done', memories: 6, drifts: 2, actionItems: 2 });

    const kept = await memories();
    expect(kept.map((m) => [m.agent_id, m.type, m.content, m.confidence])).toEqual([
      ['opus', 'insight', 'Standups run long when nobody owns the agenda', 0.9],
      ['brain', 'pattern', 'Weekend posts get 30% less engagement', 0.85],
      ['growth', 'strategy', 'A teaser before the main post works better', 0.8],
      ['creator', 'lesson', 'Long posts tank read-through rates', 0.75],
      ['opus', 'preference', 'Prefers concise titles', 0.7],
      ['brain', 'insight', 'Users prefer posts with data', 0.65],
    ]);
    expect(kept.map((m) => m.source_trace_id)).toEqual([0, 1, 2, 3, 4, 5].map((n) => `roundtable:${conv.id}:mem:${n}`));
    expect(kept.every((m) => m.provenance === 'conversation')).toBe(true);
    expect(kept[2]!.tags).toEqual(['content', 'roundtable', 'standup']);

    expect(await affinity('opus', 'brain')).toMatchObject({ affinity: 0.83, total_interactions: 1, positive_interactions: 1, negative_interactions: 0 });
    expect(await affinity('growth', 'creator')).toMatchObject({ affinity: 0.57, positive_interactions: 0, negative_interactions: 1 });
    expect((await affinity('growth', 'creator')).drift_log).toEqual([
      { at: expect.any(String), drift: -0.03, reason: 'argued about hooks', conversationId: conv.id, affinity: 0.57 },
    ]);
    expect(await affinity('creator', 'opus')).toMatchObject({ affinity: 0.55, total_interactions: 1, drift_log: [] });
    expect(await affinity('brain', 'twitter-alt')).toMatchObject({ affinity: 0.3, total_interactions: 0 });

    const proposals = await e.db.query<{ agent_id: string; title: string; source: string; source_ref: string; status: string }>(
      'SELECT agent_id, title, source, source_ref, status FROM ops_mission_proposals ORDER BY id',
    );
    expect(proposals.rows).toEqual([
      { agent_id: 'brain', title: 'Research competitor pricing', source: 'roundtable', source_ref: `roundtable:${conv.id}:action:0`, status: 'accepted' },
      { agent_id: 'creator', title: 'Write the weekly recap', source: 'roundtable', source_ref: `roundtable:${conv.id}:action:1`, status: 'accepted' },
    ]);

    const row = await e.handlers['roundtables.get']({ id: conv.id });
    expect(row.conversation.distillStatus).toBe('done');
    expect(row.distill!['dropped']).toEqual({
      memories: { wrongType: 1, unknownAgent: 1, lowConfidence: 1, empty: 1, duplicate: 1, overLimit: 3 },
      drifts: { invalidPair: 2, duplicate: 1, zero: 1, disabled: 0, clamped: 2 },
      actionItems: { notAllowed: 0, invalid: 2, duplicate: 1 },
    });
    const calls = await e.db.query<{ purpose: string; conversation_id: number }>('SELECT purpose, conversation_id FROM ops_llm_calls');
    expect(calls.rows).toEqual([{ purpose: 'distill', conversation_id: conv.id }]);
    expect(e.llmCalls[0]!.format).toBeTruthy();
    expect(e.llmCalls[0]!.maxTokens).toBe(1024);

    // re-running changes nothing and asks the model nothing
    expect(await distillConversation({ ctx: e.ctx, llm: e.llm! }, conv)).toEqual({ status: 'already' });
    expect(await applyDistillation(e.ctx, conv.id, messy as never)).toEqual({ status: 'already' });
    expect(await memories()).toHaveLength(6);
    expect(await affinity('opus', 'brain')).toMatchObject({ affinity: 0.83, total_interactions: 1 });
    expect((await e.db.query('SELECT 1 FROM ops_mission_proposals')).rows).toHaveLength(2);
    expect(e.llmCalls).toHaveLength(1);
  });

  it('turns action items into proposals only in formal formats, at most 3 per day in total', async () => {
    await setup();
    const items = (n: number) => ({ memories: [], pairwise_drift: [], action_items: [0, 1].map((i) => ({ title: `Task ${n}.${i}`, agent_id: 'brain', step_kind: 'analyze' })) });
    const chat = await conversationWithTurns(e, 'watercooler', ['brain', 'growth']);
    replies.push({ json: items(0) });
    expect(await distillConversation({ ctx: e.ctx, llm: e.llm! }, chat)).toMatchObject({ status: 'done', actionItems: 0 });
    const a = await conversationWithTurns(e, 'war_room', ['opus', 'brain', 'observer']);
    replies.push({ json: items(1) });
    expect(await distillConversation({ ctx: e.ctx, llm: e.llm! }, a)).toMatchObject({ actionItems: 2 });
    const b = await conversationWithTurns(e, 'brainstorm', ['brain', 'creator', 'growth']);
    replies.push({ json: items(2) });
    expect(await distillConversation({ ctx: e.ctx, llm: e.llm! }, b)).toMatchObject({ actionItems: 1 });
    const titles = await e.db.query<{ title: string }>("SELECT title FROM ops_mission_proposals WHERE source = 'roundtable' ORDER BY id");
    expect(titles.rows.map((r) => r.title)).toEqual(['Task 1.0', 'Task 1.1', 'Task 2.0']);
    const got = await e.handlers['roundtables.get']({ id: b.id });
    expect((got.distill!['actionItems'] as { status: string }[]).map((x) => x.status)).toEqual(['accepted', 'over_daily_limit']);
    // a new day has room again
    await e.clock.advance(24 * 3600_000);
    const c = await conversationWithTurns(e, 'standup', PEOPLE);
    replies.push({ json: items(3) });
    expect(await distillConversation({ ctx: e.ctx, llm: e.llm! }, c)).toMatchObject({ actionItems: 2 });
  });

  it('an unusable reply (even after the repair turn) writes nothing but a distill_failed event', async () => {
    await setup();
    const conv = await conversationWithTurns(e, 'standup', PEOPLE);
    replies.push('Once upon a time there was a cat.', '{"memories": "lots"}');
    const before = await e.handlers['relationships.list']({});
    const out = await distillConversation({ ctx: e.ctx, llm: e.llm! }, conv);
    expect(out.status).toBe('failed');
    expect(await memories()).toEqual([]);
    expect(await e.handlers['relationships.list']({})).toEqual(before);
    expect((await e.db.query('SELECT 1 FROM ops_mission_proposals')).rows).toHaveLength(0);
    const failed = (await pageEvents(e.db, { kind: 'distill_failed' })).items;
    expect(failed).toHaveLength(1);
    expect(failed[0]!.tags).toEqual(expect.arrayContaining(['roundtable', 'standup', 'distill_failed']));
    expect(failed[0]!.payload['raw']).toBe('{"memories": "lots"}');
    expect((await e.handlers['roundtables.get']({ id: conv.id })).conversation.distillStatus).toBe('failed');
    expect((await pageEvents(e.db, { kind: 'roundtable_distilled' })).items).toHaveLength(0);
  });

  it('a write that fails half-way rolls the whole distillation back', async () => {
    await setup();
    const conv = await conversationWithTurns(e, 'standup', PEOPLE);
    replies.push({ json: messy });
    e.ctx.eventHooks.push(async (_ctx, _q, ev) => {
      if (ev.kind === 'roundtable_distilled') throw new Error('disk full');
    });
    const before = await e.handlers['relationships.list']({});
    const out = await distillConversation({ ctx: e.ctx, llm: e.llm! }, conv);
    expect(out).toMatchObject({ status: 'failed', reason: 'disk full' });
    expect(await memories()).toEqual([]);
    expect(await e.handlers['relationships.list']({})).toEqual(before);
    expect((await e.db.query('SELECT 1 FROM ops_mission_proposals')).rows).toHaveLength(0);
    expect((await e.db.query('SELECT 1 FROM ops_missions')).rows).toHaveLength(0);
    const failed = (await pageEvents(e.db, { kind: 'distill_failed' })).items;
    expect(failed[0]!.summary).toContain('disk full');
  });
});
