import type { Queryable } from '../db/db.js';
import { iso } from '../ops/time.js';
import type { BudgetPolicy } from './budget-policy.js';
import type { Periods } from './periods.js';
import { reservedFor } from './reservations.js';

export type BudgetScope = 'agent' | 'company' | 'rule';
export type BudgetUnit = 'tokens' | 'seconds';

/** One budget that applies to a call, with what has been spent against it. */
export interface BudgetLine {
  scope: BudgetScope;
  /** Agent id, rule id, or '' for the company. */
  scopeId: string;
  period: 'day' | 'month';
  periodKey: string;
  unit: BudgetUnit;
  /** The budget from the policy plus any allowance granted for this period. */
  budget: number;
  allowance: number;
  spent: number;
  /** What calls in flight have reserved against it (their estimate, until their real use is recorded). */
  reserved: number;
  /** Where the budget is set, for the sentence a person reads. */
  setting: string;
}

export interface Subject {
  agentId: string | null;
  ruleId: number | null;
  ruleName: string | null;
}

interface Wanted {
  scope: BudgetScope;
  scopeId: string;
  period: 'day' | 'month';
  unit: BudgetUnit;
  base: number;
  setting: string;
}

/** The budgets in the policy that apply to this subject (none when the policy sets none). */
export function wantedLines(policy: BudgetPolicy, s: Subject): Wanted[] {
  const out: Wanted[] = [];
  const add = (scope: BudgetScope, scopeId: string, period: 'day' | 'month', unit: BudgetUnit, base: number | null | undefined, setting: string): void => {
    if (base !== null && base !== undefined) out.push({ scope, scopeId, period, unit, base, setting });
  };
  if (s.agentId) {
    const own = policy.per_agent[s.agentId];
    const tokens = own?.daily_tokens !== undefined ? own.daily_tokens : policy.agent_daily_tokens;
    const secs = own?.daily_seconds !== undefined ? own.daily_seconds : policy.agent_daily_seconds;
    const ownKey = `budget_policy.per_agent.${s.agentId}`;
    add('agent', s.agentId, 'day', 'tokens', tokens, own?.daily_tokens !== undefined ? `${ownKey}.daily_tokens` : 'budget_policy.agent_daily_tokens');
    add('agent', s.agentId, 'day', 'seconds', secs, own?.daily_seconds !== undefined ? `${ownKey}.daily_seconds` : 'budget_policy.agent_daily_seconds');
  }
  add('company', '', 'day', 'tokens', policy.company_daily_tokens, 'budget_policy.company_daily_tokens');
  add('company', '', 'month', 'tokens', policy.company_monthly_tokens, 'budget_policy.company_monthly_tokens');
  add('company', '', 'day', 'seconds', policy.company_daily_seconds, 'budget_policy.company_daily_seconds');
  if (s.ruleId !== null && s.ruleName && policy.per_rule_daily_tokens[s.ruleName] !== undefined) {
    add('rule', String(s.ruleId), 'day', 'tokens', policy.per_rule_daily_tokens[s.ruleName], `budget_policy.per_rule_daily_tokens["${s.ruleName}"]`);
  }
  return out;
}

interface Spent {
  agent_day_tokens: number;
  agent_day_ms: number;
  company_day_tokens: number;
  company_day_ms: number;
  company_month_tokens: number;
  rule_day_tokens: number;
}

/** What has been spent (and is reserved by calls in flight) against the given budgets this period, with allowances added to them. */
export async function measure(q: Queryable, wanted: Wanted[], s: Subject, p: Periods, nowMs: number): Promise<BudgetLine[]> {
  if (wanted.length === 0) return [];
  const res = await q.query<Spent>(
    `SELECT
       coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE agent_id = $3 AND created_at >= $1), 0)::float8 AS agent_day_tokens,
       coalesce(sum(duration_ms) FILTER (WHERE agent_id = $3 AND created_at >= $1), 0)::float8 AS agent_day_ms,
       coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE created_at >= $1), 0)::float8 AS company_day_tokens,
       coalesce(sum(duration_ms) FILTER (WHERE created_at >= $1), 0)::float8 AS company_day_ms,
       coalesce(sum(prompt_tokens + completion_tokens), 0)::float8 AS company_month_tokens,
       coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE rule_id = $4 AND created_at >= $1), 0)::float8 AS rule_day_tokens
     FROM ops_llm_calls WHERE created_at >= $2`,
    [iso(p.dayStart), iso(Math.min(p.dayStart, p.monthStart)), s.agentId, s.ruleId],
  );
  const sp = res.rows[0] as Spent;
  const allowances = await q.query<{ scope: BudgetScope; scopeId: string; periodKey: string; tokens: number; seconds: number }>(
    `SELECT scope, scope_id AS "scopeId", period_key AS "periodKey", sum(tokens)::float8 AS tokens, sum(seconds)::float8 AS seconds
     FROM ops_budget_allowances WHERE period_key = ANY($1::text[]) GROUP BY 1, 2, 3`,
    [[p.dayKey, p.monthKey]],
  );
  const r = await reservedFor(q, s, nowMs);
  return wanted.map((w) => {
    const periodKey = w.period === 'day' ? p.dayKey : p.monthKey;
    const a = allowances.rows.find((r) => r.scope === w.scope && r.scopeId === w.scopeId && r.periodKey === periodKey);
    const allowance = a ? (w.unit === 'tokens' ? a.tokens : a.seconds) : 0;
    const spent =
      w.scope === 'agent'
        ? w.unit === 'tokens' ? sp.agent_day_tokens : sp.agent_day_ms / 1000
        : w.scope === 'rule'
          ? sp.rule_day_tokens
          : w.period === 'month' ? sp.company_month_tokens : w.unit === 'tokens' ? sp.company_day_tokens : sp.company_day_ms / 1000;
    const reserved =
      w.scope === 'agent' ? (w.unit === 'tokens' ? r.agentTokens : r.agentSeconds) : w.scope === 'rule' ? r.ruleTokens : w.unit === 'tokens' ? r.companyTokens : r.companySeconds;
    return { scope: w.scope, scopeId: w.scopeId, period: w.period, periodKey, unit: w.unit, budget: w.base + allowance, allowance, spent, reserved, setting: w.setting };
  });
}
