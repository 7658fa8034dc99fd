import { afterEach, describe, expect, it } from 'vitest';
import { idAtOrBefore } from '../../../core/ops/event-position.ts';
import { pageEvents, writeEvent } from '../../../core/ops/events.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

const START = Date.parse('2026-03-02T09:00:00Z');
const minute = 60_000;
const at = (i: number) => new Date(START + i * minute).toISOString();

describe.each(dbKinds)('events.page positions on %s', (kind) => {
  let e: TestEngine;
  afterEach(async () => e?.close());

  /** 40 events, one a minute from 09:00; even ones are notes. */
  async function seed(): Promise<number[]> {
    const clock = new FakeClock(START);
    e = await testEngine(kind, { workers: false, heartbeat: false, clock });
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      ids.push((await writeEvent(e.ctx, e.db, { agentId: 'brain', kind: i % 2 ? 'signal' : 'note', title: `Event ${i}` })).id);
      await clock.advance(minute);
    }
    return ids;
  }

  it('finds the event at a date by its id, with gaps in the ids', async () => {
    const ids = await seed();
    expect(await idAtOrBefore(e.db, at(0))).toBe(ids[0]);
    expect(await idAtOrBefore(e.db, new Date(START + 10 * minute + 30_000).toISOString())).toBe(ids[10]);
    expect(await idAtOrBefore(e.db, at(39))).toBe(ids[39]);
    // Ids of different lengths (9 and 10…): the search compares them as numbers, not as text.
    for (const i of [3, 8, 9, 25]) expect(await idAtOrBefore(e.db, at(i))).toBe(ids[i]);
    expect(await idAtOrBefore(e.db, at(500))).toBe(ids[39]);
    expect(await idAtOrBefore(e.db, new Date(START - minute).toISOString())).toBeNull();
    // Holes where events were removed: the search still lands on the newest one not later than the date.
    await e.db.query('DELETE FROM ops_agent_events WHERE id BETWEEN $1 AND $2', [ids[12], ids[20]]);
    expect(await idAtOrBefore(e.db, at(15))).toBe(ids[11]);
    expect(await idAtOrBefore(e.db, at(21))).toBe(ids[21]);
  });

  it('jumps to a date and to the oldest page, pages newer from there, and counts the true total', async () => {
    const ids = await seed();
    const head = await pageEvents(e.db, { limit: 5, withTotal: true });
    expect(head.total).toBe(40);
    expect(head.newerCount).toBe(0);
    expect(head.items.map((x) => x.id)).toEqual(ids.slice(35).reverse());

    const jumped = await pageEvents(e.db, { limit: 5, before: at(20), withTotal: true });
    expect(jumped.items.map((x) => x.title)).toEqual(['Event 20', 'Event 19', 'Event 18', 'Event 17', 'Event 16']);
    expect(jumped.newerCount).toBe(19);
    expect(jumped.nextCursor).toBe(String(ids[16]));

    // The oldest page, then newer pages up to the newest: every event once, newest first in each page.
    const oldest = await pageEvents(e.db, { limit: 6, direction: 'newer', withTotal: true });
    expect(oldest.items.map((x) => x.title)).toEqual(['Event 5', 'Event 4', 'Event 3', 'Event 2', 'Event 1', 'Event 0']);
    expect(oldest.nextCursor).toBeNull();
    expect(oldest.newerCount).toBe(34);
    const seen = oldest.items.map((x) => x.id);
    let prev = oldest.prevCursor ?? null;
    while (prev) {
      const p = await pageEvents(e.db, { limit: 6, direction: 'newer', cursor: prev });
      expect(p.nextCursor).toBe(String(p.items[p.items.length - 1]?.id));
      seen.unshift(...p.items.map((x) => x.id));
      prev = p.prevCursor ?? null;
    }
    expect(seen).toEqual([...ids].reverse());

    // Filters apply to the counts too.
    const notes = await pageEvents(e.db, { limit: 3, kind: 'note', before: at(20), withTotal: true });
    expect(notes.total).toBe(20);
    expect(notes.items.map((x) => x.title)).toEqual(['Event 20', 'Event 18', 'Event 16']);
    expect(notes.newerCount).toBe(9);
    // Before anything was written: an empty page, everything is newer.
    const none = await pageEvents(e.db, { limit: 3, before: new Date(START - minute).toISOString(), withTotal: true });
    expect(none.items).toEqual([]);
    expect(none.newerCount).toBe(40);
  });
});
