/**
 * Numbers the stage draws: today's figures for the office whiteboard, and
 * per-day series for the charts. Self-contained (zod only) so the renderer
 * can import the contract without the engine.
 */
import { z } from 'zod';

const days = z.number().int().min(1).max(90).optional();
const daysInput = z.object({ days }).strict().default({});

export const todayStats = z.object({
  /** The local day (timezone policy), YYYY-MM-DD. */
  day: z.string(),
  missionsToday: z.number(),
  succeededToday: z.number(),
  failedToday: z.number(),
  queuedSteps: z.number(),
  runningSteps: z.number(),
  tokensToday: z.number(),
});

export const statsCalls = {
  'stats.today': { input: z.object({}).strict().default({}), output: todayStats },
  'stats.eventsPerDay': {
    input: daysInput,
    output: z.array(z.object({ day: z.string(), kind: z.string(), count: z.number() })),
  },
  'stats.tokensPerDay': {
    input: daysInput,
    output: z.object({
      rows: z.array(z.object({ day: z.string(), agentId: z.string().nullable(), tokens: z.number() })),
      /** A daily token budget once one is set; null until then. */
      dailyBudget: z.number().nullable(),
    }),
  },
  'stats.missionOutcomes': {
    input: daysInput,
    output: z.array(z.object({ day: z.string(), succeeded: z.number(), failed: z.number(), cancelled: z.number() })),
  },
  'stats.memoryByType': {
    input: z.object({}).strict().default({}),
    output: z.array(z.object({ agentId: z.string(), type: z.string(), count: z.number() })),
  },
} as const;
