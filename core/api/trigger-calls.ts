/** Calls of the trigger, reaction and learning area: the scheduler inspector, reactions, post metrics. */
import { z } from 'zod';

const id = z.number().int().positive();
const json = z.record(z.string(), z.unknown());

export const triggerRule = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.enum(['reactive', 'proactive']),
  triggerEvent: z.string(),
  conditions: json,
  actionConfig: json,
  cooldownMinutes: z.number(),
  enabled: z.boolean(),
  fireCount: z.number(),
  lastFiredAt: z.string().nullable(),
  lastEvaluatedAt: z.string().nullable(),
  lastResult: z.string().nullable(),
  nextEligibleAt: z.string().nullable(),
  /** The reason of the most recent skip, if the last decision was one. */
  skipReason: z.string().nullable(),
});

export const triggerDecision = z.object({
  id: z.number(),
  ruleId: z.number(),
  ruleName: z.string(),
  decision: z.enum(['fired', 'skipped', 'no_match', 'rejected', 'error']),
  reason: z.string().nullable(),
  topic: z.string().nullable(),
  memoryInfluenced: z.boolean(),
  memoryId: z.number().nullable(),
  proposalId: z.number().nullable(),
  manual: z.boolean(),
  createdAt: z.string(),
});

export const triggerCalls = {
  'triggers.list': { input: z.object({}).strict().default({}), output: z.array(triggerRule) },
  'triggers.decisions': {
    input: z.object({ ruleId: id.optional(), limit: z.number().int().min(1).max(500).optional() }).default({}),
    output: z.array(triggerDecision),
  },
  'triggers.runNow': {
    input: z.object({ id }),
    output: z.object({ decision: z.string(), reason: z.string(), proposalId: z.number().optional() }),
  },
  'triggers.update': {
    input: z.object({
      id,
      enabled: z.boolean().optional(),
      cooldownMinutes: z.number().int().min(0).max(7 * 24 * 60).optional(),
      conditions: json.optional(),
      actionConfig: json.optional(),
    }),
    output: triggerRule,
  },
  'reactions.list': {
    input: z.object({ limit: z.number().int().min(1).max(500).optional() }).default({}),
    output: z.object({
      reactions: z.array(
        z.object({
          id: z.number(),
          patternKey: z.string(),
          sourceEventId: z.number(),
          sourceAgent: z.string().nullable(),
          targetAgent: z.string(),
          reactionType: z.string(),
          status: z.string(),
          proposalId: z.number().nullable(),
          result: z.string().nullable(),
          createdAt: z.string(),
        }),
      ),
      rolls: z.array(
        z.object({
          id: z.number(),
          eventId: z.number(),
          patternKey: z.string(),
          target: z.string(),
          roll: z.number().nullable(),
          probability: z.number(),
          outcome: z.enum(['queued', 'lost_roll', 'cooldown']),
          createdAt: z.string(),
        }),
      ),
    }),
  },
  'posts.list': {
    input: z.object({ limit: z.number().int().min(1).max(500).optional() }).default({}),
    output: z.array(
      z.object({
        id: z.number(),
        platform: z.string(),
        agentId: z.string().nullable(),
        text: z.string(),
        url: z.string().nullable(),
        postedAt: z.string(),
        likes: z.number(),
        reposts: z.number(),
        replies: z.number(),
        metricsAt: z.string().nullable(),
      }),
    ),
  },
  'posts.recordMetrics': {
    input: z.object({
      id,
      likes: z.number().int().min(0).max(1e9),
      reposts: z.number().int().min(0).max(1e9),
      replies: z.number().int().min(0).max(1e9),
    }),
    output: z.object({ id: z.number(), metricsAt: z.string() }),
  },
} as const;
