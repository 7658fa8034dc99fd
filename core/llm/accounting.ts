import type { Queryable } from '../db/db.js';
import { iso, startOfDay } from '../ops/time.js';

export interface LlmCallRecord {
  agentId: string | null;
  purpose: string;
  stepId?: number | null;
  conversationId?: number | null;
  stepKind?: string | null;
  /** The trigger rule whose work this call does, when there is one. */
  ruleId?: number | null;
  model: string;
  host: string;
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
  /** 'ok' or the error code. */
  outcome: string;
  error?: string | null;
  at: string;
}

export async function recordLlmCall(q: Queryable, r: LlmCallRecord): Promise<void> {
  await q.query(
    `INSERT INTO ops_llm_calls (agent_id, purpose, step_id, conversation_id, model, host, prompt_tokens, completion_tokens, duration_ms, outcome, error, created_at, step_kind, rule_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      r.agentId,
      r.purpose,
      r.stepId ?? null,
      r.conversationId ?? null,
      r.model,
      r.host,
      Math.max(0, Math.round(r.promptTokens)),
      Math.max(0, Math.round(r.completionTokens)),
      r.durationMs,
      r.outcome,
      r.error ?? null,
      r.at,
      r.stepKind ?? null,
      r.ruleId ?? null,
    ],
  );
}

export interface UsageRow {
  day: string;
  agentId: string | null;
  calls: number;
  failed: number;
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
}

/** Totals per agent per local day, newest day first, over the last `days` days. */
export async function usageByAgentDay(q: Queryable, nowMs: number, timeZone: string, days = 7): Promise<UsageRow[]> {
  const since = iso(startOfDay(nowMs, timeZone) - (days - 1) * 86_400_000);
  const res = await q.query<UsageRow>(
    `SELECT to_char(created_at AT TIME ZONE $2, 'YYYY-MM-DD') AS day, agent_id AS "agentId",
            count(*)::int AS calls, count(*) FILTER (WHERE outcome <> 'ok')::int AS failed,
            coalesce(sum(prompt_tokens), 0)::int AS "promptTokens", coalesce(sum(completion_tokens), 0)::int AS "completionTokens",
            coalesce(sum(duration_ms), 0)::float8 AS "durationMs"
     FROM ops_llm_calls WHERE created_at >= $1
     GROUP BY 1, 2 ORDER BY 1 DESC, 2`,
    [since, timeZone],
  );
  return res.rows;
}
