import { z } from 'zod';

/**
 * budget_policy: token (and LLM-second) budgets per agent per day, for the
 * whole company per day and per month, and per trigger rule per day. A null
 * budget is no budget. Every LLM call is checked against it before it is sent.
 */
const agentId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'an agent id is lowercase letters, digits and dashes');
const tokens = z.number().int().min(0).max(1_000_000_000).nullable();
const seconds = z.number().min(0).max(31 * 86_400).nullable();

export const budgetPolicySchema = z.object({
  enabled: z.boolean(),
  /** Tokens (prompt + completion) one agent may use per local day, unless per_agent says otherwise. */
  agent_daily_tokens: tokens,
  agent_daily_seconds: seconds.default(null),
  per_agent: z
    .record(agentId, z.object({ daily_tokens: tokens.optional(), daily_seconds: seconds.optional() }))
    .default({}),
  company_daily_tokens: tokens,
  company_monthly_tokens: tokens.default(null),
  company_daily_seconds: seconds.default(null),
  /** Trigger rule name → tokens per day for the work that rule set off. */
  per_rule_daily_tokens: z.record(z.string().min(1).max(100), z.number().int().min(0).max(1_000_000_000)).default({}),
  /** Share of a budget at which a warning is raised (once per period). */
  warn_ratio: z.number().min(0.1).max(1).default(0.8),
  /** How long held work waits before it looks again (raising a budget releases it at once). */
  recheck_seconds: z.number().min(1).max(86_400).default(300),
  /** Optional price per million tokens per model, for paid remote hosts ("*" for every other model). */
  price_per_million_tokens: z.record(z.string().min(1).max(200), z.number().min(0).max(10_000)).default({}),
});

export type BudgetPolicy = z.infer<typeof budgetPolicySchema>;

export const budgetPolicyDefault: BudgetPolicy = {
  enabled: true,
  agent_daily_tokens: null,
  agent_daily_seconds: null,
  per_agent: {},
  company_daily_tokens: null,
  company_monthly_tokens: null,
  company_daily_seconds: null,
  per_rule_daily_tokens: {},
  warn_ratio: 0.8,
  recheck_seconds: 300,
  price_per_million_tokens: {},
};
