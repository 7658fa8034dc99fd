import { readThrough, type Queryable } from '../db/db.js';

/**
 * Cheap looks at a queue table before the statement that locks or claims a row:
 * one read outside a transaction, answered from memory on PGlite while the
 * table is unchanged (readThrough), so a heartbeat or a worker that finds
 * nothing to do opens no transaction and writes nothing. Both are safe to act
 * on: between the look and the claim, rows only get fresher (a lease renewed)
 * or are taken by someone else; a row that becomes due is found on the next
 * look, as the claim itself would have found it then.
 */
export type QueueTable = 'ops_mission_steps' | 'ops_roundtable_queue' | 'ops_initiative_queue';

/** Whether `table` has a running row whose lease (heartbeat_at) is older than `cutoff`. */
export async function anyStale(q: Queryable, table: QueueTable, cutoff: string): Promise<boolean> {
  const r = await readThrough<{ oldest: string | null }>(q, `SELECT min(heartbeat_at) AS oldest FROM ${table} WHERE status = 'running'`, undefined, [table]);
  const oldest = r.rows[0]?.oldest ?? null;
  return oldest !== null && Date.parse(oldest) < Date.parse(cutoff);
}

/** Whether `table` has a queued row due at `now` (run_after reached). */
export async function anyDue(q: Queryable, table: QueueTable, now: string): Promise<boolean> {
  const r = await readThrough<{ next: string | null }>(q, `SELECT min(run_after) AS next FROM ${table} WHERE status = 'queued'`, undefined, [table]);
  const next = r.rows[0]?.next ?? null;
  return next !== null && Date.parse(next) <= Date.parse(now);
}

/** Whether a queued step of `kind` is due at `now` (the claim index answers it; no parameter changes with time, so it caches). */
export async function anyDueOfKind(q: Queryable, kind: string, now: string): Promise<boolean> {
  const r = await readThrough<{ next: string | null }>(q, `SELECT min(run_after) AS next FROM ops_mission_steps WHERE status = 'queued' AND kind = $1`, [kind], ['ops_mission_steps']);
  const next = r.rows[0]?.next ?? null;
  return next !== null && Date.parse(next) <= Date.parse(now);
}
