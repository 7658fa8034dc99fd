import { z } from 'zod';
import { lockKey, readThrough, type Queryable } from '../db/db.js';

export const memoryTypes = ['insight', 'pattern', 'strategy', 'preference', 'lesson'] as const;
export type MemoryType = (typeof memoryTypes)[number];
export const memoryProvenances = ['conversation', 'outcome', 'mission', 'user', 'initiative', 'system'] as const;
export type MemoryProvenance = (typeof memoryProvenances)[number];

/** Most live memories kept per agent; beyond it the oldest are superseded. */
export const MEMORY_CAP_PER_AGENT = 200;

export const memoryRow = z.object({
  id: z.number(),
  agentId: z.string(),
  type: z.enum(memoryTypes),
  content: z.string(),
  confidence: z.number(),
  tags: z.array(z.string()),
  sourceTraceId: z.string().nullable(),
  provenance: z.enum(memoryProvenances),
  supersededBy: z.number().nullable(),
  supersededAt: z.string().nullable(),
  createdAt: z.string(),
});
export type MemoryRow = z.infer<typeof memoryRow>;

export const MEMORY_COLUMNS =
  'id, agent_id AS "agentId", type, content, confidence, tags, source_trace_id AS "sourceTraceId", provenance, superseded_by AS "supersededBy", superseded_at AS "supersededAt", created_at AS "createdAt"';

export interface NewMemory {
  agentId: string;
  type: MemoryType;
  content: string;
  confidence: number;
  tags?: string[];
  sourceTraceId?: string | null;
  provenance: MemoryProvenance;
}

/**
 * Writes a memory unless its source_trace_id was already used (idempotent),
 * then supersedes the agent's oldest live memories beyond the cap.
 * Returns the new row, or null for a duplicate.
 */
export async function writeMemory(q: Queryable, m: NewMemory, now: string): Promise<MemoryRow | null> {
  const confidence = Math.round(Math.min(1, Math.max(0, m.confidence)) * 100) / 100;
  const res = await q.query<MemoryRow>(
    `INSERT INTO ops_agent_memory (agent_id, type, content, confidence, tags, source_trace_id, provenance, created_at)
     VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8)
     ON CONFLICT (source_trace_id) DO NOTHING
     RETURNING ${MEMORY_COLUMNS}`,
    [m.agentId, m.type, m.content.slice(0, 2000), confidence, (m.tags ?? []).map((t) => t.toLowerCase()).slice(0, 12), m.sourceTraceId ?? null, m.provenance, now],
  );
  const row = res.rows[0] ?? null;
  if (row) await enforceCap(q, m.agentId, row.id, now);
  return row;
}

export async function enforceCap(q: Queryable, agentId: string, newestId: number, now: string): Promise<void> {
  // cheap check first (index-only); the update runs only past the cap
  const over = await q.query('SELECT 1 FROM ops_agent_memory WHERE agent_id = $1 AND superseded_at IS NULL ORDER BY id DESC OFFSET $2 LIMIT 1', [
    agentId,
    MEMORY_CAP_PER_AGENT,
  ]);
  if (!over.rows.length) return;
  // One writer at a time trims an agent's memories; the others go on without
  // waiting (the next write, or the heartbeat's trim, catches up).
  const lock = await q.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [lockKey(`memory-cap:${agentId}`)]);
  if (!lock.rows[0]?.ok) return;
  await q.query(
    `UPDATE ops_agent_memory SET superseded_at = $3, superseded_by = $2
     WHERE id IN (
       SELECT id FROM ops_agent_memory WHERE agent_id = $1 AND superseded_at IS NULL
       ORDER BY id DESC OFFSET $4)`,
    [agentId, newestId, now, MEMORY_CAP_PER_AGENT],
  );
}

/** Live memories of an agent, best first: for prompts and topic choice. */
export async function queryMemories(
  q: Queryable,
  f: { agentId: string; types?: readonly MemoryType[]; minConfidence?: number; limit?: number },
): Promise<MemoryRow[]> {
  const res = await q.query<MemoryRow>(
    `SELECT ${MEMORY_COLUMNS} FROM ops_agent_memory
     WHERE agent_id = $1 AND superseded_at IS NULL
       AND ($2::text[] IS NULL OR type = ANY($2::text[])) AND confidence >= $3
     ORDER BY confidence DESC, id DESC LIMIT $4`,
    [f.agentId, f.types ? [...f.types] : null, f.minConfidence ?? 0, f.limit ?? 10],
  );
  return res.rows;
}

/** Supersedes, for every agent, live memories beyond the cap (the heartbeat's catch-up for skipped trims). */
export async function trimMemoryCaps(q: Queryable, now: string): Promise<{ superseded: number }> {
  const over = await readThrough<{ agent_id: string }>(
    q,
    `SELECT agent_id FROM ops_agent_memory WHERE superseded_at IS NULL GROUP BY agent_id HAVING count(*) > $1`,
    [MEMORY_CAP_PER_AGENT],
    ['ops_agent_memory'],
  );
  let superseded = 0;
  for (const { agent_id } of over.rows) {
    const res = await q.query(
      `UPDATE ops_agent_memory SET superseded_at = $3
       WHERE id IN (SELECT id FROM ops_agent_memory WHERE agent_id = $1 AND superseded_at IS NULL ORDER BY id DESC OFFSET $2)`,
      [agent_id, MEMORY_CAP_PER_AGENT, now],
    );
    superseded += res.rowCount;
  }
  return { superseded };
}
