import { afterEach, describe, expect, it } from 'vitest';
import { writeMemory, type MemoryType } from '../../../core/memory/store.ts';
import { modifiersFromStats, type MemoryStats } from '../../../core/memory/voice.ts';
import { dbKinds } from '../../support/db.ts';
import { driveUntil, rtEngine, type RtEngine } from '../roundtable/harness.ts';

const stats = (over: Partial<Omit<MemoryStats, 'byType'>> & { byType?: Partial<MemoryStats['byType']> } = {}): MemoryStats => ({
  total: 0,
  topTags: [],
  avgConfidence: 0.6,
  outcomeLessons: 0,
  userPreferences: 0,
  ...over,
  byType: { insight: 0, pattern: 0, strategy: 0, preference: 0, lesson: 0, ...over.byType },
});

describe('voice modifiers from memory statistics (rules, no LLM)', () => {
  it('applies the seed rules and ours, at most three, in priority order', () => {
    expect(modifiersFromStats(stats())).toEqual([]);
    expect(modifiersFromStats(stats({ byType: { lesson: 11 }, topTags: [{ tag: 'engagement', count: 3 }] }))).toEqual([
      'Reference what works in engagement when relevant',
    ]);
    expect(modifiersFromStats(stats({ byType: { lesson: 10 }, topTags: [{ tag: 'engagement', count: 3 }] }))).toEqual([]); // "more than 10"
    expect(modifiersFromStats(stats({ byType: { pattern: 6 }, topTags: [{ tag: 'content', count: 9 }] }))).toEqual(["You've developed expertise in content strategy"]);
    expect(modifiersFromStats(stats({ byType: { strategy: 9 } }))).toEqual(['You think strategically about long-term plans']);
    expect(modifiersFromStats(stats({ topTags: [{ tag: 'pricing', count: 8 }] }))).toEqual(['You have become the team\'s go-to voice on "pricing"']);
    const all = modifiersFromStats(
      stats({ total: 40, avgConfidence: 0.9, byType: { lesson: 11, strategy: 9, insight: 11 }, topTags: [{ tag: 'engagement', count: 12 }], outcomeLessons: 4, userPreferences: 1 }),
    );
    expect(all).toEqual([
      'Reference what works in engagement when relevant',
      'You think strategically about long-term plans',
      'You have learned from real results: mention what worked and what failed when it matters',
    ]);
  });
});

describe.each(dbKinds)('voice evolution in conversations on %s', (kind) => {
  let e: RtEngine;
  afterEach(async () => e?.close());

  const remember = async (agentId: string, type: MemoryType, n: number, tags: string[], provenance: 'conversation' | 'outcome' = 'conversation') => {
    for (let i = 0; i < n; i++) {
      await writeMemory(e.db, { agentId, type, content: `${type} ${i} of ${agentId}`, confidence: 0.7, tags, provenance }, new Date(e.clock.now()).toISOString());
    }
  };

  it('derives modifiers once per conversation, keeps them on it, and puts them in every turn prompt of that agent', async () => {
    e = await rtEngine(kind, { loops: true });
    await remember('twitter-alt', 'lesson', 11, ['engagement']);
    await remember('twitter-alt', 'strategy', 9, ['growth']);
    expect((await e.handlers['voice.modifiers']({ agentId: 'twitter-alt' })).modifiers).toEqual([
      'Reference what works in engagement when relevant',
      'You think strategically about long-term plans',
      'You have become the team\'s go-to voice on "engagement"',
    ]);
    expect((await e.handlers['voice.modifiers']({ agentId: 'brain' })).modifiers).toEqual([]);
    await e.start();
    const conv = await e.handlers['roundtables.enqueue']({ format: 'debate', participants: ['brain', 'twitter-alt'] });
    await driveUntil(e.clock, async () => (await e.handlers['roundtables.get']({ id: conv.id })).conversation.status === 'succeeded');
    const got = await e.handlers['roundtables.get']({ id: conv.id });
    expect(got.voiceModifiers).toEqual({ brain: [], 'twitter-alt': (await e.handlers['voice.modifiers']({ agentId: 'twitter-alt' })).modifiers });
    const prompts = e.llmCalls.filter((r) => !r.format);
    for (const p of prompts) {
      const isAlt = p.system!.includes('You are X-Alt');
      expect(p.system!.includes('Personality evolution:\n- Reference what works in engagement when relevant')).toBe(isAlt);
    }
    expect(prompts.some((p) => p.system!.includes('You are X-Alt'))).toBe(true);
  });

  it('a conversation keeps the modifiers it started with, even if memories change meanwhile', async () => {
    e = await rtEngine(kind, { loops: true });
    const conv = await e.handlers['roundtables.enqueue']({ format: 'watercooler', participants: ['brain', 'creator'] });
    await e.db.query(`UPDATE ops_roundtable_queue SET voice_modifiers = $2::jsonb WHERE id = $1`, [conv.id, JSON.stringify({ brain: ['Cached for this talk'], creator: [] })]);
    await remember('brain', 'strategy', 9, ['plans']); // would derive a different modifier now
    await e.start();
    await driveUntil(e.clock, async () => (await e.handlers['roundtables.get']({ id: conv.id })).conversation.status === 'succeeded');
    const brainPrompts = e.llmCalls.filter((r) => !r.format && r.system!.includes('You are Brain'));
    expect(brainPrompts.length).toBeGreaterThan(0);
    for (const p of brainPrompts) {
      expect(p.system).toContain('Personality evolution:\n- Cached for this talk');
      expect(p.system).not.toContain('long-term plans');
    }
  });
});
