import { describe, expect, it } from 'vitest';
import { appendOlder, emptyWindow, insertLive, MAX_ROWS, PAGE, prependNewer, type FeedWindow } from '../../../renderer/store/feed-window.js';
import type { AgentEvent } from '../../../renderer/store/entities.js';

const ev = (id: number): AgentEvent => ({
  id,
  agentId: 'brain',
  kind: 'note',
  title: `Event ${id}`,
  summary: '',
  tags: [],
  payload: {},
  missionId: null,
  stepId: null,
  proposalId: null,
  createdAt: new Date(Date.UTC(2026, 2, 2) + id * 1000).toISOString(),
});
/** A page of `n` events, newest first, from `top` down. */
const page = (top: number, n = PAGE) => Array.from({ length: n }, (_, i) => ev(top - i));
const ids = (w: FeedWindow) => w.rows.map((e) => e.id);

describe('feed window', () => {
  it('stays bounded while paging older: far pages leave the top, which then has a newer cursor', () => {
    let w: FeedWindow = { ...emptyWindow, rows: page(10_000), olderCursor: '9901' };
    let dropped = 0;
    for (let p = 1; p < 20; p++) {
      const top = 10_000 - p * PAGE;
      const r = appendOlder(w, page(top), String(top - PAGE + 1));
      w = r.window;
      dropped += r.droppedTop;
      expect(w.rows.length).toBeLessThanOrEqual(MAX_ROWS);
    }
    expect(w.rows.length).toBe(MAX_ROWS);
    expect(dropped).toBe(20 * PAGE - MAX_ROWS);
    expect(w.startIndex).toBe(dropped);
    expect(w.newerCursor).toBe(String(w.rows[0]?.id));
    expect(ids(w)).toEqual([...ids(w)].sort((a, b) => b - a));
  });

  it('pages back up, dropping from the bottom, and reaches the newest', () => {
    let w: FeedWindow = { rows: page(5_000), olderCursor: '4901', newerCursor: '5000', startIndex: 5_000 };
    const r = prependNewer(w, page(5_100), '5100');
    w = r.window;
    expect(r.addedTop).toBe(100);
    expect(w.startIndex).toBe(4_900);
    expect(w.rows[0]?.id).toBe(5_100);
    // Overlap with what is there is not doubled.
    const again = prependNewer(w, page(5_150, 100), null).window;
    expect(again.rows[0]?.id).toBe(5_150);
    expect(new Set(ids(again)).size).toBe(again.rows.length);
    expect(again.newerCursor).toBeNull();
    for (let i = 0; i < 10; i++) w = prependNewer(w, page(5_200 + i * 100), String(5_200 + i * 100)).window;
    expect(w.rows.length).toBe(MAX_ROWS);
    expect(w.olderCursor).toBe(String(w.rows[MAX_ROWS - 1]?.id));
  });

  it('puts a live event at the top, a late one in its place, and never twice', () => {
    let w: FeedWindow = { ...emptyWindow, rows: [ev(10), ev(8), ev(5)] };
    const top = insertLive(w, ev(11));
    expect(top?.at).toBe(0);
    w = top!.window;
    const late = insertLive(w, ev(9));
    expect(late?.at).toBe(2);
    w = late!.window;
    expect(ids(w)).toEqual([11, 10, 9, 8, 5]);
    expect(insertLive(w, ev(9))).toBeNull();
    // Older than the window while older pages exist elsewhere: not this window's to show.
    expect(insertLive({ ...w, olderCursor: '5' }, ev(2))).toBeNull();
  });

  it('returns only the window from a live insert, so a store that spreads it keeps its own total', () => {
    const state = { ...emptyWindow, rows: [ev(10), ev(8)], total: 2, unseen: 0 };
    const r = insertLive(state, ev(11));
    expect(Object.keys(r!.window).sort()).toEqual(['newerCursor', 'olderCursor', 'rows', 'startIndex']);
    const next = { ...state, total: state.total + 1, ...r!.window };
    expect(next.total).toBe(3);
  });
});
