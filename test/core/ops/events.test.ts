import { afterEach, describe, expect, it } from 'vitest';
import { pageEvents, writeEvent } from '../../../core/ops/events.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

describe.each(dbKinds)('events on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  it('pages newest first with a keyset cursor and filters by agent, kind, tag and text', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const agents = ['opus', 'brain', 'growth'];
    for (let i = 0; i < 30; i++) {
      await writeEvent(e.ctx, e.db, {
        agentId: agents[i % 3]!,
        kind: i % 2 ? 'signal' : 'note',
        title: `Event number ${i}`,
        summary: i === 7 ? 'mentions pricing strategy' : 'nothing special',
        tags: i % 5 === 0 ? ['Launch', 'x'] : ['x'],
      });
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof pageEvents>> = await pageEvents(e.db, { limit: 7, cursor });
      seen.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(30);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(30);

    const byAgent = await pageEvents(e.db, { agentId: 'brain', limit: 100 });
    expect(byAgent.items).toHaveLength(10);
    expect(byAgent.items.every((x) => x.agentId === 'brain')).toBe(true);
    const byKind = await pageEvents(e.db, { kind: 'signal', limit: 100 });
    expect(byKind.items).toHaveLength(15);
    const byTag = await pageEvents(e.db, { tag: 'launch', limit: 100 });
    expect(byTag.items.map((x) => x.title)).toEqual([25, 20, 15, 10, 5, 0].map((n) => `Event number ${n}`));
    const byText = await pageEvents(e.db, { q: 'pricing' });
    expect(byText.items.map((x) => x.title)).toEqual(['Event number 7']);
    const combined = await pageEvents(e.db, { agentId: 'opus', tag: 'launch', kind: 'note' });
    // opus (i % 3 = 0), a note (even i), tagged launch (i % 5 = 0): only i = 0
    expect(combined.items.map((x) => x.title)).toEqual(['Event number 0']);
  });

  it('finds a rare word far behind the newest events, and pages through matches on both sides of the recent window', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    const bulk = (n: number, summary: string) =>
      e.db.query(
        `INSERT INTO ops_agent_events (agent_id, kind, title, summary, tags, payload, created_at)
         SELECT 'brain', 'note', 'Bulk ' || g, $2 || ' ' || g, '{}', '{}', '2026-03-02T09:00:00Z' FROM generate_series(1, $1) g`,
        [n, summary],
      );
    await bulk(3, 'an albatross was seen');
    await bulk(2000, 'nothing special');
    await bulk(2, 'another albatross today');
    await bulk(500, 'nothing special');
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const p: Awaited<ReturnType<typeof pageEvents>> = await pageEvents(e.db, { q: 'albatross', limit: 2, cursor });
      all.push(...p.items.map((x) => x.summary));
      cursor = p.nextCursor;
    } while (cursor);
    expect(all).toEqual(['another albatross today 2', 'another albatross today 1', 'an albatross was seen 3', 'an albatross was seen 2', 'an albatross was seen 1']);
    const one = await pageEvents(e.db, { q: 'albatross', limit: 3 });
    expect(one.items.map((x) => x.summary)).toEqual(['another albatross today 2', 'another albatross today 1', 'an albatross was seen 3']);
    expect(one.nextCursor).toBe(String(one.items[2]!.id));
    expect((await pageEvents(e.db, { q: 'albatross', agentId: 'opus' })).items).toEqual([]);
    expect((await pageEvents(e.db, { q: 'zebra' })).items).toEqual([]);
    // the oldest event of the newest window (60 events for a page of 2) is itself a match: found once
    await bulk(100, 'nothing special');
    await bulk(1, 'an albatross at the edge');
    await bulk(59, 'nothing special');
    const edge = await pageEvents(e.db, { q: 'albatross', limit: 2 });
    expect(edge.items.map((x) => x.summary)).toEqual(['an albatross at the edge 1', 'another albatross today 2']);
    const next = await pageEvents(e.db, { q: 'albatross', limit: 2, cursor: edge.nextCursor });
    expect(next.items.map((x) => x.summary)).toEqual(['another albatross today 1', 'an albatross was seen 3']);
  });

  it('refuses a malformed cursor with a readable error', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    await expect(pageEvents(e.db, { cursor: 'abc' })).rejects.toThrow(/cursor is not valid/);
  });
});
