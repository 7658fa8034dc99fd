import { afterEach, describe, expect, it } from 'vitest';
import { learnFromOutcomes, median } from '../../../core/triggers/outcomes.ts';
import { promoteInsights } from '../../../core/triggers/insights.ts';
import { enrichTopicWithMemory, type MemoryCache } from '../../../core/triggers/memory-influence.ts';
import { writeMemory } from '../../../core/memory/store.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import type { FakeClock } from '../../../core/ports/clock.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe.each(dbKinds)('learning on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  const iso = (ms: number) => new Date(ms).toISOString();
  async function post(agent: string, text: string, likes: number, hoursAgo: number) {
    const t = (e.clock as FakeClock).now() - hoursAgo * 3600_000;
    await e.db.query(
      `INSERT INTO ops_posts (platform, agent_id, text, uri, remote_id, posted_at, likes, reposts, replies, metrics_at)
       VALUES ('bluesky', $1, $2, 'at://x/' || $2, $2, $3, $4, 0, 0, $3)`,
      [agent, text, iso(t), likes],
    );
  }
  const lessons = () =>
    e.db.query<{ agent_id: string; content: string; confidence: number; source_trace_id: string }>(
      `SELECT agent_id, content, confidence, source_trace_id FROM ops_agent_memory WHERE provenance = 'outcome' ORDER BY id`,
    );

  it('skips with fewer than 3 posts; writes the right lessons against the median; never duplicates', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    await post('twitter-alt', 'p1', 10, 1);
    await post('twitter-alt', 'p2', 10, 2);
    expect(await learnFromOutcomes(e.ctx)).toMatchObject({ posts: 2, lessons: 0, skipped: 'fewer than 3 posts with metrics' });
    await post('twitter-alt', 'p3', 10, 3);
    await post('twitter-alt', 'hit', 50, 4); // > 2 × 10
    await post('twitter-alt', 'flop', 2, 5); // < 0.3 × 10
    await post('twitter-alt', 'old hit', 500, 60); // outside the 48 h window
    const r = await learnFromOutcomes(e.ctx);
    expect(r).toMatchObject({ posts: 5, median: 10, lessons: 2 });
    const rows = (await lessons()).rows;
    expect(rows.map((x) => [x.confidence, x.content.includes('"hit"'), x.content.includes('"flop"')])).toEqual([
      [0.7, true, false],
      [0.6, false, true],
    ]);
    expect(rows.every((x) => x.source_trace_id.startsWith('post-lesson:'))).toBe(true);
    expect(await learnFromOutcomes(e.ctx)).toMatchObject({ lessons: 0 });
    expect((await lessons()).rows).toHaveLength(2);
    const ev = await pageEvents(e.db, { kind: 'lesson_learned' });
    expect(ev.items).toHaveLength(2);
  });

  it('writes at most 3 outcome lessons per agent per day', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    for (let i = 0; i < 8; i++) await post('twitter-alt', `base${i}`, 10, 1); // median stays 10
    for (let i = 0; i < 5; i++) await post('twitter-alt', `hit${i}`, 100, 2);
    await post('creator', 'creator-hit', 100, 2);
    await learnFromOutcomes(e.ctx);
    const rows = (await lessons()).rows;
    expect(rows.filter((x) => x.agent_id === 'twitter-alt')).toHaveLength(3);
    expect(rows.filter((x) => x.agent_id === 'creator')).toHaveLength(1);
  });

  it('promotes a high-confidence insight confirmed by another source, once, firing insight_promoted', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const now = iso((e.clock as FakeClock).now());
    const a = await writeMemory(e.db, { agentId: 'brain', type: 'insight', content: 'Technical posts with data get more replies', confidence: 0.8, sourceTraceId: 'roundtable:1:mem:0', provenance: 'conversation' }, now);
    await writeMemory(e.db, { agentId: 'brain', type: 'insight', content: 'Unrelated: coffee is good', confidence: 0.9, sourceTraceId: 'roundtable:1:mem:1', provenance: 'conversation' }, now);
    expect(await promoteInsights(e.ctx)).toEqual({ candidates: 2, promoted: 0 });
    await writeMemory(e.db, { agentId: 'growth', type: 'insight', content: 'Posts with data and technical depth get replies', confidence: 0.6, sourceTraceId: 'roundtable:2:mem:0', provenance: 'conversation' }, now);
    expect(await promoteInsights(e.ctx)).toMatchObject({ promoted: 1 });
    const row = await e.db.query<{ confidence: number; tags: string[] }>('SELECT confidence, tags FROM ops_agent_memory WHERE id = $1', [a!.id]);
    expect(row.rows[0]).toEqual({ confidence: 0.9, tags: ['promoted'] });
    expect(await promoteInsights(e.ctx)).toMatchObject({ promoted: 0 });
    const ev = await pageEvents(e.db, { kind: 'insight_promoted' });
    expect(ev.items).toHaveLength(1);
    expect(ev.items[0]!.tags).toContain('insight_promoted');
  });

  it('memory influence: over 1,000 seeded evaluations, 30% ± 5% of topics come from memory', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const now = iso((e.clock as FakeClock).now());
    const m = await writeMemory(e.db, { agentId: 'growth', type: 'lesson', content: 'Pricing pages convert when they show retention numbers', confidence: 0.8, tags: ['pricing'], sourceTraceId: 't1', provenance: 'outcome' }, now);
    const topics = ['AI agent tooling trends', 'pricing models for small teams', 'retention drivers'];
    const random = new SeededRandom(2024);
    let influenced = 0;
    for (let i = 0; i < 1000; i++) {
      const cache: MemoryCache = new Map(); // one cache per heartbeat
      const c = await enrichTopicWithMemory(e.db, random, cache, 'growth', topics[i % 3]!, topics, { enabled: true, probability: 0.3 });
      if (c.memoryInfluenced) {
        influenced++;
        expect(c.memoryId).toBe(m!.id);
        expect(c.topic).toBe('pricing models for small teams');
      }
    }
    expect(influenced / 1000).toBeGreaterThanOrEqual(0.25);
    expect(influenced / 1000).toBeLessThanOrEqual(0.35);
  });

  it('memory influence: a lesson from a post that fell flat never draws the agent to its topic; one from a strong post does', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const now = iso((e.clock as FakeClock).now());
    const topics = ['a useful tip for builders', 'behind the scenes of the team'];
    const random = { next: () => 0 }; // always take the memory path
    const choose = () => enrichTopicWithMemory(e.db, random, new Map(), 'twitter-alt', topics[1]!, topics, { enabled: true, probability: 0.3 });
    await writeMemory(e.db, { agentId: 'twitter-alt', type: 'lesson', content: 'A bluesky post on "a useful tip for builders" fell flat (0 engagement vs a median of 9): "…" — avoid repeating it.', confidence: 0.9, tags: ['engagement', 'bluesky', 'weak', 'post'], sourceTraceId: 'weak-1', provenance: 'outcome' }, now);
    expect(await choose()).toEqual({ topic: topics[1], memoryInfluenced: false });
    const strong = await writeMemory(e.db, { agentId: 'twitter-alt', type: 'lesson', content: 'A bluesky post on "behind the scenes of the team" did well (40 engagement vs a median of 9): "…" — do more like it.', confidence: 0.7, tags: ['engagement', 'bluesky', 'strong', 'post'], sourceTraceId: 'strong-1', provenance: 'outcome' }, now);
    expect(await choose()).toEqual({ topic: topics[1], memoryInfluenced: true, memoryId: strong!.id });
  });

  it('queries an agent\'s memories once per heartbeat, however many rules ask', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    let memQueries = 0;
    const q = { ...e.db, query: ((sql: string, p?: readonly unknown[]) => { if (sql.includes('ops_agent_memory')) memQueries++; return e.db.query(sql, p); }) as typeof e.db.query };
    const cache: MemoryCache = new Map();
    const random = { next: () => 0 }; // always take the memory path
    for (let i = 0; i < 5; i++) await enrichTopicWithMemory(q, random, cache, 'growth', 'a', ['a', 'b'], { enabled: true, probability: 0.3 });
    await enrichTopicWithMemory(q, random, cache, 'brain', 'a', ['a', 'b'], { enabled: true, probability: 0.3 });
    expect(memQueries).toBe(2);
  });
});
