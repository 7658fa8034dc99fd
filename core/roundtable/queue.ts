import { anyDue } from '../ops/queue-peek.js';
import { afterCommit, type Queryable, type Tx } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { iso, startOfDay } from '../ops/time.js';
import { isoNow } from '../ports/clock.js';
import type { InteractionType } from '../relationships/interaction.js';

/** Wakes the in-process roundtable worker (not a step kind: step kinds cannot contain ':'). */
export const ROUNDTABLE_WAKE = 'queue:roundtable';

export type ConversationStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type DistillStatus = 'pending' | 'done' | 'failed' | 'skipped';

export interface ConversationRow {
  id: number;
  format: string;
  topic: string;
  participants: string[];
  turnsPlanned: number;
  source: 'schedule' | 'user' | 'system';
  slotName: string | null;
  memoryId: number | null;
  status: ConversationStatus;
  attempts: number;
  maxAttempts: number;
  runAfter: string;
  reservedBy: string | null;
  heartbeatAt: string | null;
  voiceModifiers: Record<string, string[]> | null;
  distillStatus: DistillStatus;
  distill: Record<string, unknown> | null;
  lastError: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export const CONVERSATION_COLUMNS =
  'id, format, topic, participants, turns_planned AS "turnsPlanned", source, slot_name AS "slotName", memory_id AS "memoryId", status, attempts, max_attempts AS "maxAttempts", run_after AS "runAfter", reserved_by AS "reservedBy", heartbeat_at AS "heartbeatAt", voice_modifiers AS "voiceModifiers", distill_status AS "distillStatus", distill, last_error AS "lastError", created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"';

export interface TurnRow {
  seq: number;
  speaker: string;
  text: string;
  interaction: InteractionType;
  replyingTo: string | null;
  createdAt: string;
}

const TURN_COLUMNS = 'seq, speaker, text, interaction, replying_to AS "replyingTo", created_at AS "createdAt"';

export interface NewConversation {
  format: string;
  topic: string;
  participants: string[];
  turnsPlanned: number;
  source: 'schedule' | 'user' | 'system';
  slotName?: string | null;
  memoryId?: number | null;
}

/** Conversations created since the start of the user's day (every source counts toward the cap). */
export async function countToday(q: Queryable, nowMs: number, timeZone: string): Promise<number> {
  const res = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_roundtable_queue WHERE created_at >= $1', [
    iso(startOfDay(nowMs, timeZone)),
  ]);
  return res.rows[0]?.n ?? 0;
}

/** Inserts a queued conversation, announces it, and wakes the worker once committed. */
export async function insertConversation(ctx: EngineCtx, tx: Tx, c: NewConversation): Promise<ConversationRow> {
  const now = isoNow(ctx.clock);
  const res = await tx.query<ConversationRow>(
    `INSERT INTO ops_roundtable_queue (format, topic, participants, turns_planned, source, slot_name, memory_id, run_after, created_at)
     VALUES ($1, $2, $3::text[], $4, $5, $6, $7, $8, $8) RETURNING ${CONVERSATION_COLUMNS}`,
    [c.format, c.topic, c.participants, c.turnsPlanned, c.source, c.slotName ?? null, c.memoryId ?? null, now],
  );
  const row = res.rows[0] as ConversationRow;
  await writeEvent(ctx, tx, {
    kind: 'roundtable_queued',
    title: `${c.slotName ?? 'Conversation'} queued: ${c.format} on "${c.topic}"`,
    summary: `With ${c.participants.join(', ')}.`,
    tags: ['roundtable', c.format, 'queued'],
    payload: { conversationId: row.id, format: c.format, participants: c.participants, source: c.source, memoryId: c.memoryId ?? null },
  });
  afterCommit(tx, () => ctx.bus.wake(ROUNDTABLE_WAKE));
  return row;
}

/** Claims the oldest due conversation: FOR UPDATE SKIP LOCKED makes it atomic across workers and processes. */
export async function claimConversation(ctx: EngineCtx, workerId: string): Promise<ConversationRow | null> {
  const now = isoNow(ctx.clock);
  // A conversation with a paused agent among its participants waits (agents.setPaused).
  const paused = ctx.pause?.pausedAgentIds ?? [];
  if (!(await anyDue(ctx.db, 'ops_roundtable_queue', now))) return null;
  const res = await ctx.db.query<ConversationRow>(
    `UPDATE ops_roundtable_queue
     SET status = 'running', reserved_by = $2, heartbeat_at = $1, started_at = coalesce(started_at, $1), attempts = attempts + 1
     WHERE id = (
       SELECT id FROM ops_roundtable_queue WHERE status = 'queued' AND run_after <= $1 ${paused.length ? 'AND NOT (participants && $3::text[])' : ''}
       ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING ${CONVERSATION_COLUMNS}`,
    paused.length ? [now, workerId, paused] : [now, workerId],
  );
  return res.rows[0] ?? null;
}

/** Renews the lease; false when this worker no longer holds the conversation. */
export async function renewConversationLease(ctx: EngineCtx, q: Queryable, id: number, workerId: string): Promise<boolean> {
  const res = await q.query(`UPDATE ops_roundtable_queue SET heartbeat_at = $3 WHERE id = $1 AND status = 'running' AND reserved_by = $2`, [
    id,
    workerId,
    isoNow(ctx.clock),
  ]);
  return res.rowCount > 0;
}

/** Puts a conversation back in the queue without using up an attempt (no LLM host, or the engine stopping). */
export async function releaseConversation(ctx: EngineCtx, id: number, workerId: string, reason: string): Promise<void> {
  await ctx.db.query(
    `UPDATE ops_roundtable_queue SET status = 'queued', reserved_by = NULL, heartbeat_at = NULL, attempts = greatest(attempts - 1, 0), last_error = $3
     WHERE id = $1 AND status = 'running' AND reserved_by = $2`,
    [id, workerId, reason],
  );
}

/** A failed run: re-queued (after a pause) while attempts remain, else failed for good. */
export async function retryOrFail(ctx: EngineCtx, conv: ConversationRow, workerId: string, message: string): Promise<'requeued' | 'failed'> {
  return ctx.db.transaction(async (tx) => {
    const cur = await tx.query<{ attempts: number; maxAttempts: number }>(
      `SELECT attempts, max_attempts AS "maxAttempts" FROM ops_roundtable_queue WHERE id = $1 AND status = 'running' AND reserved_by = $2 FOR UPDATE`,
      [conv.id, workerId],
    );
    const row = cur.rows[0];
    if (!row) return 'requeued'; // recovered elsewhere meanwhile
    const now = ctx.clock.now();
    const again = row.attempts < row.maxAttempts;
    if (again) {
      await tx.query(
        `UPDATE ops_roundtable_queue SET status = 'queued', reserved_by = NULL, heartbeat_at = NULL, run_after = $2, last_error = $3 WHERE id = $1`,
        [conv.id, iso(now + 60_000 * row.attempts), message],
      );
    } else {
      await tx.query(`UPDATE ops_roundtable_queue SET status = 'failed', finished_at = $2, last_error = $3 WHERE id = $1`, [conv.id, iso(now), message]);
    }
    await writeEvent(ctx, tx, {
      kind: again ? 'roundtable_retry' : 'roundtable_failed',
      title: again ? `Conversation #${conv.id} (${conv.format}) will be retried` : `Conversation #${conv.id} (${conv.format}) failed`,
      summary: message,
      tags: ['roundtable', conv.format, again ? 'retry' : 'failed'],
      payload: { conversationId: conv.id, attempts: row.attempts },
    });
    return again ? 'requeued' : 'failed';
  });
}

export async function getConversationRow(q: Queryable, id: number): Promise<ConversationRow | null> {
  const res = await q.query<ConversationRow>(`SELECT ${CONVERSATION_COLUMNS} FROM ops_roundtable_queue WHERE id = $1`, [id]);
  return res.rows[0] ?? null;
}

export async function getTurns(q: Queryable, conversationId: number): Promise<TurnRow[]> {
  const res = await q.query<TurnRow>(`SELECT ${TURN_COLUMNS} FROM ops_roundtable_turns WHERE conversation_id = $1 ORDER BY seq`, [conversationId]);
  return res.rows;
}

export async function listConversations(
  q: Queryable,
  f: { status?: ConversationStatus; limit?: number; cursor?: number },
): Promise<(ConversationRow & { turnCount: number })[]> {
  const res = await q.query<ConversationRow & { turnCount: number }>(
    `SELECT ${CONVERSATION_COLUMNS.replace(/(^|, )([a-z_]+)/g, '$1q.$2')},
       (SELECT count(*)::int FROM ops_roundtable_turns t WHERE t.conversation_id = q.id) AS "turnCount"
     FROM ops_roundtable_queue q
     WHERE ($1::text IS NULL OR q.status = $1) AND ($2::bigint IS NULL OR q.id < $2)
     ORDER BY q.id DESC LIMIT $3`,
    [f.status ?? null, f.cursor ?? null, f.limit ?? 50],
  );
  return res.rows;
}
