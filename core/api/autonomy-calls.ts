/** Calls of the autonomy area (issue 10): budgets, routines, explain a decision. */
import { z } from 'zod';

const id = z.number().int().positive();
const agentId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'an agent id is lowercase letters, digits and dashes');

export const budgetLine = z.object({
  scope: z.enum(['agent', 'company', 'rule']),
  scopeId: z.string(),
  period: z.enum(['day', 'month']),
  periodKey: z.string(),
  unit: z.enum(['tokens', 'seconds']),
  budget: z.number(),
  allowance: z.number(),
  spent: z.number(),
  left: z.number(),
  /** spent / budget, 0…(over 1 when the last call went past it). */
  ratio: z.number(),
  setting: z.string(),
});

export const budgetStatus = z.object({
  enabled: z.boolean(),
  day: z.string(),
  month: z.string(),
  /** The company's use today and the forecast to local midnight at the last hour's rate. */
  company: z.object({ tokens: z.number(), seconds: z.number(), forecastTokens: z.number(), cost: z.number().nullable() }),
  agents: z.array(z.object({ agentId: z.string(), tokens: z.number(), seconds: z.number(), forecastTokens: z.number(), budget: z.number().nullable(), left: z.number().nullable() })),
  /** Every budget that is set, with what is spent against it. */
  lines: z.array(budgetLine),
  /** Work held by a budget right now, with the reason shown on it. */
  held: z.array(z.object({ stepId: z.number(), kind: z.string(), agentId: z.string(), reason: z.string(), runAfter: z.string() })),
});

const usageRow = z.object({ key: z.string(), label: z.string(), calls: z.number(), tokens: z.number(), seconds: z.number() });
export const budgetUsage = z.object({
  since: z.string(),
  byAgent: z.array(usageRow),
  byPurpose: z.array(usageRow),
  byRule: z.array(usageRow),
  byModel: z.array(usageRow.extend({ cost: z.number().nullable() })),
});

export const routine = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.enum(['briefing', 'consolidation', 'research', 'social_scan']),
  agentId: z.string(),
  timeOfDay: z.string(),
  days: z.array(z.number()),
  prompt: z.string(),
  enabled: z.boolean(),
  lastRunAt: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  handledUntil: z.string(),
});

export const routineRun = z.object({
  id: z.number(),
  routineId: z.number(),
  dueAt: z.string().nullable(),
  outcome: z.enum(['ran', 'caught_up', 'skipped', 'rejected', 'manual']),
  reason: z.string().nullable(),
  proposalId: z.number().nullable(),
  createdAt: z.string(),
});

export const whyLink = z.object({
  kind: z.enum(['proposal', 'mission', 'trigger_rule', 'trigger_decision', 'reaction_roll', 'reaction', 'event', 'conversation', 'action_item', 'memory', 'routine', 'initiative', 'user']),
  id: z.union([z.number(), z.string()]).nullable(),
  title: z.string(),
  detail: z.string(),
  at: z.string().nullable(),
});

export const autonomyCalls = {
  'budget.status': { input: z.object({}).strict().default({}), output: budgetStatus },
  'budget.usage': { input: z.object({ days: z.number().int().min(1).max(92).optional() }).default({}), output: budgetUsage },
  'budget.grant': {
    input: z
      .object({
        scope: z.enum(['agent', 'company', 'rule']),
        scopeId: z.string().max(100).default(''),
        period: z.enum(['day', 'month']).default('day'),
        tokens: z.number().int().min(0).max(1_000_000_000).default(0),
        seconds: z.number().min(0).max(86_400).default(0),
        reason: z.string().trim().max(300).optional(),
      })
      .refine((g) => g.tokens > 0 || g.seconds > 0, 'grant some tokens or seconds')
      .refine((g) => g.scope === 'company' || g.scopeId.length > 0, 'name the agent or the trigger rule (scopeId)'),
    output: z.object({ id: z.number(), periodKey: z.string(), released: z.number() }),
  },
  'routines.list': { input: z.object({}).strict().default({}), output: z.array(routine) },
  'routines.update': {
    input: z.object({
      id,
      timeOfDay: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time like 09:00').optional(),
      days: z.array(z.number().int().min(0).max(6)).min(1).max(7).optional(),
      agentId: agentId.optional(),
      prompt: z.string().max(2000).optional(),
      enabled: z.boolean().optional(),
    }),
    output: routine,
  },
  'routines.runNow': { input: z.object({ id }), output: routineRun },
  'routines.history': { input: z.object({ id: id.optional(), limit: z.number().int().min(1).max(500).optional() }).default({}), output: z.array(routineRun) },
  'explain.why': {
    input: z
      .object({ proposalId: id.optional(), missionId: id.optional(), memoryId: id.optional() })
      .refine((w) => [w.proposalId, w.missionId, w.memoryId].filter((x) => x !== undefined).length === 1, 'ask about exactly one of proposalId, missionId or memoryId'),
    output: z.object({ chain: z.array(whyLink) }),
  },
} as const;
