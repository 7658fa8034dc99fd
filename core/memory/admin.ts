import { AppError } from '../api/errors.js';
import type { Queryable } from '../db/db.js';
import { requireAgent } from '../ops/agents.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { isoNow } from '../ports/clock.js';
import { MEMORY_COLUMNS, writeMemory, type MemoryRow, type MemoryType } from './store.js';

/** What the user can do with memories: look, correct, forget, and whisper a note. */

/** Confidence of a note the user whispered: the user is the most reliable source there is. */
export const WHISPER_CONFIDENCE = 0.9;

export async function listMemories(
  ctx: EngineCtx,
  f: { agentId: string; type?: MemoryType; includeSuperseded?: boolean; limit?: number },
): Promise<MemoryRow[]> {
  await requireAgent(ctx.db, f.agentId);
  const res = await ctx.db.query<MemoryRow>(
    `SELECT ${MEMORY_COLUMNS} FROM ops_agent_memory
     WHERE agent_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::boolean OR superseded_at IS NULL)
     ORDER BY (superseded_at IS NULL) DESC, id DESC LIMIT $4`,
    [f.agentId, f.type ?? null, f.includeSuperseded ?? false, f.limit ?? 200],
  );
  return res.rows;
}

async function requireMemory(q: Queryable, id: number): Promise<MemoryRow> {
  const res = await q.query<MemoryRow>(`SELECT ${MEMORY_COLUMNS} FROM ops_agent_memory WHERE id = $1 FOR UPDATE`, [id]);
  const row = res.rows[0];
  if (!row) throw new AppError('not_found', `There is no memory #${id}.`);
  return row;
}

export async function updateMemory(ctx: EngineCtx, input: { id: number; content?: string; confidence?: number }): Promise<MemoryRow> {
  return ctx.db.transaction(async (tx) => {
    const before = await requireMemory(tx, input.id);
    const content = input.content ?? before.content;
    const confidence = input.confidence === undefined ? before.confidence : Math.round(input.confidence * 100) / 100;
    const res = await tx.query<MemoryRow>(`UPDATE ops_agent_memory SET content = $2, confidence = $3 WHERE id = $1 RETURNING ${MEMORY_COLUMNS}`, [
      input.id,
      content,
      confidence,
    ]);
    const row = res.rows[0] as MemoryRow;
    await writeEvent(ctx, tx, {
      agentId: row.agentId,
      kind: 'memory_updated',
      title: `You edited a memory of ${row.agentId}`,
      summary: row.content,
      tags: ['memory', 'edited', row.type],
      payload: { memoryId: row.id, provenance: row.provenance, before: { content: before.content, confidence: before.confidence } },
    });
    return row;
  });
}

export async function deleteMemory(ctx: EngineCtx, id: number): Promise<MemoryRow> {
  return ctx.db.transaction(async (tx) => {
    const row = await requireMemory(tx, id);
    await tx.query('DELETE FROM ops_agent_memory WHERE id = $1', [id]);
    await writeEvent(ctx, tx, {
      agentId: row.agentId,
      kind: 'memory_deleted',
      title: `You removed a memory of ${row.agentId}`,
      summary: `${row.type} (${row.provenance}): ${row.content}`,
      tags: ['memory', 'deleted', row.type],
      payload: { memoryId: row.id, provenance: row.provenance, sourceTraceId: row.sourceTraceId },
    });
    return row;
  });
}

/** A note from the user, remembered by one agent with provenance "user". */
export async function whisper(ctx: EngineCtx, input: { agentId: string; type: 'preference' | 'insight'; content: string }): Promise<MemoryRow> {
  await requireAgent(ctx.db, input.agentId);
  return ctx.db.transaction(async (tx) => {
    const now = isoNow(ctx.clock);
    const row = await writeMemory(
      tx,
      { agentId: input.agentId, type: input.type, content: input.content, confidence: WHISPER_CONFIDENCE, tags: ['whisper'], provenance: 'user' },
      now,
    );
    if (!row) throw new AppError('conflict', 'That note was already whispered.');
    await writeEvent(ctx, tx, {
      agentId: input.agentId,
      kind: 'memory_whispered',
      title: `You whispered a ${input.type} to ${input.agentId}`,
      summary: input.content,
      tags: ['memory', 'whisper', input.type],
      payload: { memoryId: row.id },
    });
    return row;
  });
}
