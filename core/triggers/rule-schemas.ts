import { z } from 'zod';

const agentId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);
const stepKind = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);

/** A proactive rule's chance of "not feeling like it", its jitter and rotating topics. */
export const proactiveConditions = z.object({
  skip_probability: z.number().min(0).max(1),
  jitter_minutes: z.tuple([z.number().min(0).max(24 * 60), z.number().min(0).max(24 * 60)]).refine(([a, b]) => a <= b, 'jitter is [min, max]'),
  topics: z.array(z.string().min(1).max(300)).min(1, 'a proactive rule needs at least one topic'),
  /** Local hours [from, to) in which the rule may fire; [0, 24] means any time. */
  active_hours: z.tuple([z.number().int().min(0).max(23), z.number().int().min(1).max(24)]).default([0, 24]),
});

export const proactiveAction = z.object({
  agent: agentId,
  step_kind: stepKind,
  /** `{topic}` is replaced by the chosen topic. */
  title: z.string().min(1).max(200),
  /** Payload of the step; string values have `{topic}` replaced. */
  payload: z.record(z.string(), z.unknown()).default({}),
});

export const reactiveAction = z.object({
  agent: agentId,
  step_kind: stepKind.default('analyze'),
});

/** Conditions per reactive trigger_event: what the checker looks for. */
export const reactiveConditions = {
  tweet_high_engagement: z.object({
    engagement_min: z.number().min(0),
    lookback_minutes: z.number().int().min(1).max(7 * 24 * 60),
  }),
  mission_failed: z.object({ lookback_minutes: z.number().int().min(1).max(7 * 24 * 60) }),
  content_published: z.object({
    lookback_minutes: z.number().int().min(1).max(7 * 24 * 60),
    tags: z.array(z.string().min(1)).min(1),
  }),
  insight_promoted: z.object({ lookback_minutes: z.number().int().min(1).max(7 * 24 * 60), min_confidence: z.number().min(0).max(1) }),
} as const;
export type ReactiveEvent = keyof typeof reactiveConditions;

export function isReactiveEvent(e: string): e is ReactiveEvent {
  return Object.prototype.hasOwnProperty.call(reactiveConditions, e);
}

/** The schemas a rule's conditions and action_config must fit, by its kind and trigger_event. */
export function schemasFor(kind: 'reactive' | 'proactive', triggerEvent: string): { conditions: z.ZodType; action: z.ZodType } {
  if (kind === 'proactive') return { conditions: proactiveConditions, action: proactiveAction };
  if (!isReactiveEvent(triggerEvent)) throw new Error(`Unknown reactive trigger_event "${triggerEvent}".`);
  return { conditions: reactiveConditions[triggerEvent], action: reactiveAction };
}
