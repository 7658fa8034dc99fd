/**
 * Where a page of events sits in the whole feed: the id at a date, how many
 * events match the filters, and how many of them are newer than a given id.
 * Used by events.page for "jump to a date" and "the true total".
 */
import type { Queryable } from '../db/db.js';

/**
 * The newest event id written at or before `at`, or null when every event is
 * later. Event ids rise with their time (one sequence, written on the
 * engine's clock), so a binary search over ids needs only primary-key
 * lookups: about twenty of them for a million events, no index on time.
 */
export async function idAtOrBefore(q: Queryable, at: string): Promise<number | null> {
  const bounds = await q.query<{ lo: string | null; hi: string | null }>('SELECT min(id)::text AS lo, max(id)::text AS hi FROM ops_agent_events');
  const lo0 = Number(bounds.rows[0]?.lo ?? NaN);
  const hi0 = Number(bounds.rows[0]?.hi ?? NaN);
  if (!Number.isFinite(lo0) || !Number.isFinite(hi0)) return null;
  const firstAfter = async (id: number): Promise<{ id: number; late: boolean } | null> => {
    // ORDER BY names the column, not the text alias of the same name (that would sort '10' before '9' and scan every row).
    const r = await q.query<{ id: string; late: boolean }>(
      'SELECT e.id::text AS id, e.created_at > $2::timestamptz AS late FROM ops_agent_events e WHERE e.id >= $1 ORDER BY e.id LIMIT 1',
      [id, at],
    );
    const row = r.rows[0];
    return row ? { id: Number(row.id), late: row.late } : null;
  };
  const first = await firstAfter(lo0);
  if (!first || first.late) return null;
  // Invariant: the event at `best` is not late; every id above `hi` is late or absent.
  let best = first.id;
  let lo = first.id + 1;
  let hi = hi0;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const row = await firstAfter(mid);
    if (!row || row.id > hi) {
      hi = mid - 1;
    } else if (row.late) {
      hi = mid - 1;
    } else {
      best = row.id;
      lo = row.id + 1;
    }
  }
  return best;
}

/** Counts the events matching `where` (the page's own filters, without its cursor). */
export async function countWhere(q: Queryable, where: readonly string[], params: readonly unknown[]): Promise<number> {
  const r = await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM ops_agent_events ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`, [...params]);
  return Number(r.rows[0]?.n ?? 0);
}
