import type { Queryable } from '../db/db.js';
import { lockKey } from '../db/db.js';
import type { ChatRequest } from '../llm/port.js';
import { iso } from '../ops/time.js';
import type { Subject } from './limits.js';

/**
 * Reservations: what LLM calls in flight are expected to spend. The budget
 * check and the reservation are one critical section (a transaction holding
 * RESERVE_LOCK, an advisory lock, so it holds across worker processes on
 * PostgreSQL too); the call drops its reservation once its real use is in
 * ops_llm_calls. So N calls at once against a budget that admits one send one.
 */
export const RESERVE_LOCK = lockKey('emtesseract:budget-reservations');

/** A reservation left behind by a process that died stops counting after this long. */
export const RESERVATION_TTL_MS = 30 * 60_000;

/** Completion tokens assumed when a request sets no maxTokens. */
export const DEFAULT_COMPLETION_ESTIMATE = 512;

/** Seconds per token assumed before any call today says how fast the model is (a CPU-bound 3B model: ~20 tokens/s). */
export const DEFAULT_SECONDS_PER_TOKEN = 0.05;

/** Tokens a request will likely spend: its prompt (about 4 characters a token) and its longest answer. */
export function estimateTokens(req: Pick<ChatRequest, 'system' | 'messages' | 'maxTokens'>): number {
  const chars = (req.system?.length ?? 0) + req.messages.reduce((n, m) => n + m.content.length, 0);
  return Math.ceil(chars / 4) + (req.maxTokens ?? DEFAULT_COMPLETION_ESTIMATE);
}

/** Seconds per token of today's successful calls, or the default when there are none. */
export async function secondsPerToken(q: Queryable, dayStart: number): Promise<number> {
  const r = await q.query<{ ms: number; tokens: number }>(
    `SELECT coalesce(sum(duration_ms), 0)::float8 AS ms, coalesce(sum(prompt_tokens + completion_tokens), 0)::float8 AS tokens
     FROM ops_llm_calls WHERE created_at >= $1 AND outcome = 'ok'`,
    [iso(dayStart)],
  );
  const row = r.rows[0];
  return row && row.tokens > 0 && row.ms > 0 ? row.ms / 1000 / row.tokens : DEFAULT_SECONDS_PER_TOKEN;
}

export interface Reserved {
  agentTokens: number;
  agentSeconds: number;
  companyTokens: number;
  companySeconds: number;
  ruleTokens: number;
}

/** What calls in flight have reserved, against the subject's budgets. */
export async function reservedFor(q: Queryable, s: Subject, nowMs: number): Promise<Reserved> {
  const r = await q.query<Reserved>(
    `SELECT coalesce(sum(tokens) FILTER (WHERE agent_id = $2), 0)::float8 AS "agentTokens",
            coalesce(sum(seconds) FILTER (WHERE agent_id = $2), 0)::float8 AS "agentSeconds",
            coalesce(sum(tokens), 0)::float8 AS "companyTokens",
            coalesce(sum(seconds), 0)::float8 AS "companySeconds",
            coalesce(sum(tokens) FILTER (WHERE rule_id = $3), 0)::float8 AS "ruleTokens"
     FROM ops_budget_reservations WHERE expires_at > $1`,
    [iso(nowMs), s.agentId, s.ruleId],
  );
  return r.rows[0] as Reserved;
}

/** Records a call's reservation (and clears ones that expired); returns its id. */
export async function reserve(
  q: Queryable,
  r: { agentId: string | null; ruleId: number | null; tokens: number; seconds: number; purpose: string },
  nowMs: number,
): Promise<number> {
  await q.query('DELETE FROM ops_budget_reservations WHERE expires_at <= $1', [iso(nowMs)]);
  const res = await q.query<{ id: number }>(
    `INSERT INTO ops_budget_reservations (agent_id, rule_id, tokens, seconds, purpose, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::int AS id`,
    [r.agentId, r.ruleId, Math.max(0, Math.round(r.tokens)), Math.max(0, r.seconds), r.purpose, iso(nowMs), iso(nowMs + RESERVATION_TTL_MS)],
  );
  return (res.rows[0] as { id: number }).id;
}

/** Drops a reservation once the call's real use is recorded. */
export async function release(q: Queryable, id: number): Promise<void> {
  await q.query('DELETE FROM ops_budget_reservations WHERE id = $1', [id]);
}
