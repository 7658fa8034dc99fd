import { afterEach, describe, expect, it } from 'vitest';
import { pageEvents } from '../../../core/ops/events.ts';
import { dbKinds } from '../../support/db.ts';
import { driveUntil, rtEngine, speakerOf, type RtEngine } from './harness.ts';

describe.each(dbKinds)('a scripted standup on %s', (kind) => {
  let e: RtEngine;
  afterEach(async () => e?.close());

  const finished = (id: number) => async () => {
    const c = await e.handlers['roundtables.get']({ id });
    return ['succeeded', 'failed'].includes(c.conversation.status);
  };

  it('runs through the worker loop: 6–12 turns of at most 120 characters, no URL, opus first, nobody twice in a row, an event per turn', async () => {
    e = await rtEngine(kind, { loops: true });
    await e.start();
    const t0 = e.clock.now();
    const conv = await e.handlers['roundtables.enqueue']({ format: 'standup' });
    expect(conv.participants.length).toBeGreaterThanOrEqual(4);
    expect(conv.participants.length).toBeLessThanOrEqual(6);
    expect(conv.participants).toContain('opus');
    await driveUntil(e.clock, finished(conv.id));

    const got = await e.handlers['roundtables.get']({ id: conv.id });
    expect(got.conversation).toMatchObject({ status: 'succeeded', distillStatus: 'done', format: 'standup', attempts: 1 });
    const turns = got.turns;
    expect(turns.length).toBe(conv.turnsPlanned);
    expect(turns.length).toBeGreaterThanOrEqual(6);
    expect(turns.length).toBeLessThanOrEqual(12);
    expect(turns[0]!.speaker).toBe('opus');
    expect(turns[0]!.interaction).toBe('opening');
    for (const [i, t] of turns.entries()) {
      expect(t.seq).toBe(i);
      expect(t.text.length).toBeGreaterThan(0);
      expect(t.text.length).toBeLessThanOrEqual(120);
      expect(t.text).not.toMatch(/https?:|www\.|example\.(com|org)/);
      expect(t.text).not.toMatch(/^\w+:/); // the model's "Name:" prefix is gone
      expect(conv.participants).toContain(t.speaker);
      if (i > 0) {
        expect(t.speaker).not.toBe(turns[i - 1]!.speaker);
        expect(t.replyingTo).toBe(turns[i - 1]!.speaker);
      }
    }

    // an event per turn, tagged roundtable + format + turn, in order, with the same text
    const events = (await pageEvents(e.db, { kind: 'roundtable_turn', limit: 100 })).items.reverse();
    expect(events.map((x) => [x.agentId, x.title])).toEqual(turns.map((t) => [t.speaker, t.text]));
    for (const ev of events) {
      expect(ev.tags).toEqual(expect.arrayContaining(['roundtable', 'standup', 'turn']));
      expect(ev.payload).toMatchObject({ conversationId: conv.id });
    }
    const kinds = (await pageEvents(e.db, { tag: 'roundtable', limit: 100 })).items.map((x) => x.kind);
    for (const k of ['roundtable_queued', 'roundtable_started', 'roundtable_distilled', 'roundtable_finished']) expect(kinds).toContain(k);

    // one LLM call per turn in the speaker's voice, then one distillation
    const turnCalls = e.llmCalls.filter((r) => !r.format);
    expect(turnCalls).toHaveLength(turns.length);
    expect(turnCalls.map(speakerOf)).toEqual(got.turns.map((t) => t.speakerName));
    expect(turnCalls[0]!.system).toContain('You are Opus, the project manager');
    expect(turnCalls[0]!.temperature).toBe(0.6);
    // a turn is cut to 120 characters, so the model is asked for no more than 80 tokens
    for (const c of turnCalls) expect(c.maxTokens).toBe(80);
    expect(turnCalls[1]!.messages[0]!.content).toContain(`Opus: ${turns[0]!.text}`);
    expect(e.llmCalls.filter((r) => r.format)).toHaveLength(1);
    const recorded = await e.db.query<{ purpose: string; agent_id: string | null; conversation_id: number }>(
      'SELECT purpose, agent_id, conversation_id FROM ops_llm_calls ORDER BY id',
    );
    expect(recorded.rows.map((r) => r.purpose)).toEqual([...turns.map(() => 'roundtable_turn'), 'distill']);
    expect(recorded.rows.every((r) => r.conversation_id === conv.id)).toBe(true);
    expect(recorded.rows.slice(0, -1).map((r) => r.agent_id)).toEqual(turns.map((t) => t.speaker));

    // 3–8 s between turns on the clock
    const times = turns.map((t) => Date.parse(t.createdAt));
    for (let i = 1; i < times.length; i++) {
      const gap = times[i]! - times[i - 1]!;
      expect(gap).toBeGreaterThanOrEqual(3000);
      expect(gap).toBeLessThanOrEqual(8000);
    }
    expect(times.at(-1)! - t0).toBeLessThan(12 * 8000);
  });

  it('is refused when it does not fit the format: too few agents, unknown agents, unknown format', async () => {
    e = await rtEngine(kind);
    await expect(e.handlers['roundtables.enqueue']({ format: 'standup', participants: ['opus', 'brain'] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('4–6 agents'),
    });
    await expect(e.handlers['roundtables.enqueue']({ format: 'debate', participants: ['opus', 'nobody'] })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(e.handlers['roundtables.enqueue']({ format: 'debate', participants: ['opus', 'opus'] })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(e.handlers['roundtables.enqueue']({ format: 'tea_party' })).rejects.toMatchObject({ code: 'invalid_input' });
    const ok = await e.handlers['roundtables.enqueue']({ format: 'debate', participants: ['brain', 'twitter-alt'], topic: 'Post daily?' });
    expect(ok).toMatchObject({ status: 'queued', topic: 'Post daily?', participants: ['brain', 'twitter-alt'], source: 'user' });
    expect(ok.turnsPlanned).toBeGreaterThanOrEqual(6);
    expect(ok.turnsPlanned).toBeLessThanOrEqual(10);
  });
});
