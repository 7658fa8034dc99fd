/**
 * The feed's rows in memory: a bounded window of consecutive pages, newest
 * first, with cursors on both sides. Pure functions over plain data, so the
 * store and the tests share them; nothing here re-sorts the window.
 */
import type { AgentEvent } from './entities.js';

/** Rows fetched per page, and the most kept at once (pages far from the viewport are dropped). */
export const PAGE = 100;
export const MAX_ROWS = 600;
/** Rows fetched when the reader nears an edge of the window: half of it, so a fast scroll waits on fewer round trips. */
export const EDGE_PAGE = 300;

export interface FeedWindow {
  rows: AgentEvent[];
  /** Cursor for the page older than the window; null when the window reaches the oldest event. */
  olderCursor: string | null;
  /** Cursor for the page newer than the window; null when the window reaches the newest event. */
  newerCursor: string | null;
  /** Position of rows[0] among every matching event, newest first. */
  startIndex: number;
}

export const emptyWindow: FeedWindow = { rows: [], olderCursor: null, newerCursor: null, startIndex: 0 };

/** An older page joins the bottom; rows beyond the bound leave from the top. Returns how many left the top. */
export function appendOlder(w: FeedWindow, items: readonly AgentEvent[], nextCursor: string | null): { window: FeedWindow; droppedTop: number } {
  const last = w.rows[w.rows.length - 1]?.id ?? Infinity;
  const fresh = items.filter((e) => e.id < last);
  let rows = w.rows.concat(fresh);
  const droppedTop = Math.max(0, rows.length - MAX_ROWS);
  let newerCursor = w.newerCursor;
  if (droppedTop) {
    rows = rows.slice(droppedTop);
    newerCursor = String(rows[0]?.id);
  }
  return { window: { rows, olderCursor: nextCursor, newerCursor, startIndex: w.startIndex + droppedTop }, droppedTop };
}

/** A newer page joins the top (and shifts what is below it); rows beyond the bound leave from the bottom. */
export function prependNewer(w: FeedWindow, items: readonly AgentEvent[], prevCursor: string | null): { window: FeedWindow; addedTop: number } {
  const first = w.rows[0]?.id ?? -Infinity;
  const fresh = items.filter((e) => e.id > first);
  let rows = fresh.concat(w.rows);
  let olderCursor = w.olderCursor;
  if (rows.length > MAX_ROWS) {
    rows = rows.slice(0, MAX_ROWS);
    olderCursor = String(rows[rows.length - 1]?.id);
  }
  return { window: { rows, olderCursor, newerCursor: prevCursor, startIndex: Math.max(0, w.startIndex - fresh.length) }, addedTop: fresh.length };
}

/**
 * A live event into a window that reaches the newest: usually at the top; a late
 * one (a transaction that committed after a newer one) goes to its place by a
 * binary search. Returns where it went, or null when it is already there
 * (or belongs to a page not loaded).
 */
export function insertLive(w: FeedWindow, e: AgentEvent): { window: FeedWindow; at: number } | null {
  const rows = w.rows;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((rows[mid] as AgentEvent).id > e.id) lo = mid + 1;
    else hi = mid;
  }
  if (rows[lo]?.id === e.id) return null;
  // Older than the whole window while more lies below: it belongs to a page not loaded.
  if (lo === rows.length && w.olderCursor !== null) return null;
  let next = [...rows.slice(0, lo), e, ...rows.slice(lo)];
  let olderCursor = w.olderCursor;
  if (next.length > MAX_ROWS) {
    next = next.slice(0, MAX_ROWS);
    olderCursor = String(next[next.length - 1]?.id);
  }
  // Only the window's own fields: `w` may be a whole store state, whose other fields (the total …) are not ours to return.
  return { window: { rows: next, olderCursor, newerCursor: w.newerCursor, startIndex: w.startIndex }, at: lo };
}
