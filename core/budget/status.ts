import type { z } from 'zod';
import type { budgetStatus, budgetUsage } from '../api/autonomy-calls.js';
import { listAgents } from '../ops/agents.js';
import type { EngineCtx } from '../ops/ctx.js';
import { cachedPolicy } from '../ops/policy.js';
import { iso, startOfDay } from '../ops/time.js';
import type { BudgetPolicy } from './budget-policy.js';
import { measure, wantedLines, type BudgetLine } from './limits.js';
import { periodsAt } from './periods.js';

type Status = z.infer<typeof budgetStatus>;
type Usage = z.infer<typeof budgetUsage>;

const HOUR = 3_600_000;

function priceFor(policy: BudgetPolicy, model: string): number | null {
  return policy.price_per_million_tokens[model] ?? policy.price_per_million_tokens['*'] ?? null;
}

function costOf(policy: BudgetPolicy, rows: { model: string; tokens: number }[]): number | null {
  if (Object.keys(policy.price_per_million_tokens).length === 0) return null;
  return rows.reduce((sum, r) => sum + ((priceFor(policy, r.model) ?? 0) * r.tokens) / 1_000_000, 0);
}

function out(l: BudgetLine): Status['lines'][number] {
  return { ...l, left: Math.max(0, l.budget - l.spent), ratio: l.budget > 0 ? l.spent / l.budget : l.spent > 0 ? 1 : 0 };
}

/** Spent, left and the forecast to the end of the local day, per agent and for the company; and what is held. */
export async function getBudgetStatus(ctx: EngineCtx): Promise<Status> {
  const policy = await cachedPolicy(ctx, 'budget_policy');
  const now = ctx.clock.now();
  const p = periodsAt(now, (await cachedPolicy(ctx, 'timezone')).name);
  const rows = await ctx.db.query<{ agentId: string | null; model: string; tokens: number; ms: number; lastHour: number }>(
    `SELECT agent_id AS "agentId", model, coalesce(sum(prompt_tokens + completion_tokens), 0)::float8 AS tokens, coalesce(sum(duration_ms), 0)::float8 AS ms,
            coalesce(sum(prompt_tokens + completion_tokens) FILTER (WHERE created_at >= $2), 0)::float8 AS "lastHour"
     FROM ops_llm_calls WHERE created_at >= $1 GROUP BY 1, 2`,
    [iso(p.dayStart), iso(now - HOUR)],
  );
  const left = Math.max(0, p.dayEnd - now) / HOUR;
  const sum = (rs: typeof rows.rows) => ({
    tokens: rs.reduce((n, r) => n + r.tokens, 0),
    seconds: rs.reduce((n, r) => n + r.ms, 0) / 1000,
    forecastTokens: Math.round(rs.reduce((n, r) => n + r.tokens + r.lastHour * left, 0)),
  });
  const lines: BudgetLine[] = [];
  const company = { agentId: null, ruleId: null, ruleName: null };
  lines.push(...(await measure(ctx.db, wantedLines(policy, company), company, p, now)));
  const agents = [];
  for (const a of await listAgents(ctx.db)) {
    const subject = { agentId: a.id, ruleId: null, ruleName: null };
    const own = await measure(ctx.db, wantedLines(policy, subject).filter((w) => w.scope === 'agent'), subject, p, now);
    lines.push(...own);
    const tokenLine = own.find((l) => l.unit === 'tokens');
    const s = sum(rows.rows.filter((r) => r.agentId === a.id));
    agents.push({ agentId: a.id, ...s, budget: tokenLine?.budget ?? null, left: tokenLine ? Math.max(0, tokenLine.budget - tokenLine.spent) : null });
  }
  const ruleNames = Object.keys(policy.per_rule_daily_tokens);
  if (ruleNames.length) {
    const rules = await ctx.db.query<{ id: number; name: string }>('SELECT id::int AS id, name FROM ops_trigger_rules WHERE name = ANY($1::text[])', [ruleNames]);
    for (const r of rules.rows) {
      const subject = { agentId: null, ruleId: r.id, ruleName: r.name };
      lines.push(...(await measure(ctx.db, wantedLines(policy, subject).filter((w) => w.scope === 'rule'), subject, p, now)));
    }
  }
  const held = await ctx.db.query<Status['held'][number]>(
    `SELECT s.id::int AS "stepId", s.kind, m.created_by AS "agentId", coalesce(s.last_error, '') AS reason, s.run_after AS "runAfter"
     FROM ops_mission_steps s JOIN ops_missions m ON m.id = s.mission_id
     WHERE s.status = 'queued' AND s.error_code = 'budget_exhausted' ORDER BY s.id LIMIT 200`,
  );
  return {
    enabled: policy.enabled,
    day: p.dayKey,
    month: p.monthKey,
    company: { ...sum(rows.rows), cost: costOf(policy, rows.rows) },
    agents,
    lines: lines.map(out),
    held: held.rows.map((h) => ({ ...h, runAfter: new Date(h.runAfter).toISOString() })),
  };
}

/** "What used my tokens": by agent, by purpose (step kind, conversation, distillation, initiative, chat), by trigger rule, by model. */
export async function getBudgetUsage(ctx: EngineCtx, days = 1): Promise<Usage> {
  const policy = await cachedPolicy(ctx, 'budget_policy');
  const tz = (await cachedPolicy(ctx, 'timezone')).name;
  const since = iso(startOfDay(ctx.clock.now(), tz) - (days - 1) * 86_400_000);
  const group = async (keySql: string, labelSql: string, join = ''): Promise<Usage['byAgent']> => {
    const res = await ctx.db.query<Usage['byAgent'][number]>(
      `SELECT ${keySql} AS key, ${labelSql} AS label, count(*)::int AS calls,
              coalesce(sum(c.prompt_tokens + c.completion_tokens), 0)::float8 AS tokens, coalesce(sum(c.duration_ms), 0)::float8 / 1000 AS seconds
       FROM ops_llm_calls c ${join} WHERE c.created_at >= $1 GROUP BY 1, 2 ORDER BY tokens DESC, key`,
      [since],
    );
    return res.rows;
  };
  const byAgent = await group("coalesce(c.agent_id, 'system')", "coalesce(c.agent_id, 'system')");
  const byPurpose = await group('c.purpose', 'c.purpose');
  const byRule = await group("coalesce(c.rule_id::text, 'none')", "coalesce(r.name, 'not from a trigger rule')", 'LEFT JOIN ops_trigger_rules r ON r.id = c.rule_id');
  const byModel = await group('c.model', 'c.model');
  const priced = Object.keys(policy.price_per_million_tokens).length > 0;
  return {
    since,
    byAgent,
    byPurpose,
    byRule,
    byModel: byModel.map((m) => ({ ...m, cost: priced ? ((priceFor(policy, m.key) ?? 0) * m.tokens) / 1_000_000 : null })),
  };
}
