import type { Queryable } from '../db/db.js';
import { MEMORY_CAP_PER_AGENT } from '../memory/store.js';
import type { Executor } from '../workers/executor.js';
import { isoNow } from '../ports/clock.js';

/** Two memories this alike (Jaccard over their words) say the same thing. */
export const NEAR_DUPLICATE = 0.8;

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ' ').split(/\s+/).filter((w) => w.length > 1));
}

export function similarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (x.size === 0 && y.size === 0) return 1;
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return both / (x.size + y.size - both);
}

interface Mem {
  id: number;
  agentId: string;
  type: string;
  content: string;
  confidence: number;
}

/**
 * Merges near-duplicate live memories of each agent (same type, similar
 * words): the most confident one stays (taking the group's best confidence),
 * the others are marked superseded_by it. Never adds memories, so every agent
 * stays within the 200 cap.
 */
export async function consolidateMemories(q: Queryable, now: string): Promise<{ merged: number; groups: number }> {
  const res = await q.query<Mem>(
    `SELECT id::int AS id, agent_id AS "agentId", type, content, confidence::float8 AS confidence FROM ops_agent_memory
     WHERE superseded_at IS NULL ORDER BY agent_id, type, confidence DESC, id DESC`,
  );
  let merged = 0;
  let groups = 0;
  const done = new Set<number>();
  const rows = res.rows;
  for (let i = 0; i < rows.length; i++) {
    const keep = rows[i] as Mem;
    if (done.has(keep.id)) continue;
    const dupes: Mem[] = [];
    for (let j = i + 1; j < rows.length && dupes.length < MEMORY_CAP_PER_AGENT; j++) {
      const m = rows[j] as Mem;
      if (m.agentId !== keep.agentId || m.type !== keep.type) break;
      if (!done.has(m.id) && similarity(keep.content, m.content) >= NEAR_DUPLICATE) dupes.push(m);
    }
    if (dupes.length === 0) continue;
    groups++;
    for (const d of dupes) done.add(d.id);
    await q.query('UPDATE ops_agent_memory SET superseded_by = $1, superseded_at = $2 WHERE id = ANY($3::bigint[]) AND superseded_at IS NULL', [keep.id, now, dupes.map((d) => d.id)]);
    merged += dupes.length;
  }
  return { merged, groups };
}

/** consolidate_memory: the night routine's step (no model needed). */
export const consolidateExecutor: Executor = {
  kind: 'consolidate_memory',
  async run({ ctx }) {
    const out = await ctx.db.transaction((tx) => consolidateMemories(tx, isoNow(ctx.clock)));
    return { result: out, summary: `Merged ${out.merged} near-duplicate memories in ${out.groups} group(s)`, tags: ['memory', 'consolidation'] };
  },
};
