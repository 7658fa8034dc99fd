import { afterEach, describe, expect, it } from 'vitest';
import { writeMemory } from '../../../core/memory/store.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import { dbKinds } from '../../support/db.ts';
import { driveUntil, rtEngine, type RtEngine } from '../roundtable/harness.ts';

describe.each(dbKinds)('memories the user can see and change on %s', (kind) => {
  let e: RtEngine;
  afterEach(async () => e?.close());
  const at = () => new Date(e.clock.now()).toISOString();

  it('whisper, list, update and delete — with provenance shown', async () => {
    e = await rtEngine(kind);
    const w = await e.handlers['memories.whisper']({ agentId: 'creator', type: 'preference', content: 'I like short, warm intros.' });
    expect(w).toMatchObject({ agentId: 'creator', type: 'preference', provenance: 'user', confidence: 0.9, sourceTraceId: null, supersededAt: null });
    await writeMemory(e.db, { agentId: 'creator', type: 'lesson', content: 'Hooks matter', confidence: 0.6, provenance: 'mission', sourceTraceId: 'mission:1:outcome' }, at());
    const list = await e.handlers['memories.list']({ agentId: 'creator' });
    expect(list.map((m) => [m.type, m.provenance])).toEqual([
      ['lesson', 'mission'],
      ['preference', 'user'],
    ]);
    expect(await e.handlers['memories.list']({ agentId: 'creator', type: 'preference' })).toHaveLength(1);
    expect((await e.handlers['voice.modifiers']({ agentId: 'creator' })).modifiers).toContain('Keep in mind what the user told you they prefer');

    const upd = await e.handlers['memories.update']({ id: w.id, content: 'I like short intros.', confidence: 0.75 });
    expect(upd).toMatchObject({ content: 'I like short intros.', confidence: 0.75, provenance: 'user' });
    const del = await e.handlers['memories.delete']({ id: list[0]!.id });
    expect(del).toMatchObject({ deleted: true, memory: { provenance: 'mission', sourceTraceId: 'mission:1:outcome' } });
    expect(await e.handlers['memories.list']({ agentId: 'creator' })).toHaveLength(1);
    const kinds = (await pageEvents(e.db, { tag: 'memory' })).items.map((x) => x.kind);
    expect(kinds).toEqual(['memory_deleted', 'memory_updated', 'memory_whispered']);

    await expect(e.handlers['memories.delete']({ id: 9999 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(e.handlers['memories.list']({ agentId: 'nobody' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps 200 live memories per agent; superseded ones are listed only on request', async () => {
    e = await rtEngine(kind);
    for (let i = 0; i < 203; i++) await writeMemory(e.db, { agentId: 'brain', type: 'insight', content: `fact ${i}`, confidence: 0.6, provenance: 'conversation', sourceTraceId: `t:${i}` }, at());
    expect(await e.handlers['memories.list']({ agentId: 'brain' })).toHaveLength(200);
    const all = await e.handlers['memories.list']({ agentId: 'brain', includeSuperseded: true, limit: 1000 });
    expect(all).toHaveLength(203);
    expect(all.filter((m) => m.supersededAt).map((m) => m.content).sort()).toEqual(['fact 0', 'fact 1', 'fact 2']);
  });

  it('editing an agent’s voice keeps its memories and relationships (they are keyed by id), and the next talk uses the new voice', async () => {
    e = await rtEngine(kind, { loops: true });
    await e.handlers['memories.whisper']({ agentId: 'brain', type: 'insight', content: 'Tuesdays work best.' });
    const relBefore = await e.handlers['relationships.list']({});
    const memBefore = await e.handlers['memories.list']({ agentId: 'brain' });
    await e.handlers['agents.update']({
      id: 'brain',
      patch: { displayName: 'Dr. Data', tone: 'playful, pun-loving', systemDirective: 'You are Dr. Data, who explains numbers with jokes.' },
    });
    expect(await e.handlers['memories.list']({ agentId: 'brain' })).toEqual(memBefore);
    expect(await e.handlers['relationships.list']({})).toEqual(relBefore);
    await e.start();
    const conv = await e.handlers['roundtables.enqueue']({ format: 'watercooler', participants: ['brain', 'opus'] });
    await driveUntil(e.clock, async () => (await e.handlers['roundtables.get']({ id: conv.id })).conversation.status === 'succeeded');
    const prompt = e.llmCalls.find((r) => !r.format && r.system!.includes('Dr. Data'))!;
    expect(prompt.system).toContain('Tone: playful, pun-loving.');
    expect(prompt.system).toContain('Tuesdays work best.');
    const got = await e.handlers['roundtables.get']({ id: conv.id });
    expect(got.turns.filter((t) => t.speaker === 'brain').every((t) => t.speakerName === 'Dr. Data')).toBe(true);
  });
});
