import { readThrough } from '../db/db.js';
import type { EngineCtx } from './ctx.js';

/**
 * PGlite has no autovacuum (one process, no background workers), so the queue
 * tables — rows updated from queued to running to done all day — would keep
 * every dead row version and every index entry pointing at one, and each
 * claim or reaction scan would step over more of them forever. This job does
 * autovacuum's work for them: a table that has gained `everyRows` rows (by its
 * id sequence) since its last VACUUM here is vacuumed and analyzed. On
 * PostgreSQL the server's autovacuum does it; the job does nothing.
 */
const TABLES = ['ops_agent_reactions', 'ops_mission_steps', 'ops_missions', 'ops_reaction_rolls', 'ops_agent_memory', 'ops_worker_state'] as const;

export function queueTidier(everyRows = 5000): (ctx: EngineCtx) => Promise<{ vacuumed: string[] }> {
  /** Table → its highest id at the last VACUUM (unknown until first looked at: then it is vacuumed once). */
  const seen = new Map<string, number>();
  return async (ctx) => {
    if (ctx.db.kind !== 'pglite') return { vacuumed: [] };
    const due: string[] = [];
    // answered from memory while none of the tables changed (most heartbeats)
    const counted = TABLES.filter((t) => t !== 'ops_worker_state');
    const top = await readThrough<{ t: string; n: number | null }>(
      ctx.db,
      counted.map((t) => `SELECT '${t}' AS t, (SELECT max(id) FROM ${t})::bigint AS n`).join(' UNION ALL '),
      undefined,
      counted,
    );
    for (const { t, n } of top.rows) {
      const now = Number(n ?? 0);
      const last = seen.get(t);
      if (last === undefined || now - last >= everyRows) {
        if (last !== undefined || now >= everyRows) due.push(t);
        seen.set(t, now);
      }
    }
    if (!due.length) return { vacuumed: [] };
    if (due.includes('ops_mission_steps')) due.push('ops_worker_state');
    await ctx.db.query(`VACUUM (ANALYZE) ${due.join(', ')}`);
    return { vacuumed: due };
  };
}
