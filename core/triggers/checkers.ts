import type { Queryable } from '../db/db.js';
import { iso } from '../ops/time.js';
import type { StepSpec } from '../ops/proposal-service.js';
import type { RuleRow } from './rules.js';
import { reactiveAction, reactiveConditions, type ReactiveEvent } from './rule-schemas.js';

/** What a checker proposes when its rule fires. */
export interface Firing {
  agentId: string;
  title: string;
  steps: StepSpec[];
  /** Identifies what was reacted to, so the same thing never gets two proposals from one agent. */
  sourceRef: string;
  topic?: string;
}

export type CheckResult = { fired: false; reason: string } | { fired: true; firing: Firing };

export interface CheckEnv {
  q: Queryable;
  nowMs: number;
}

type Checker = (env: CheckEnv, rule: RuleRow) => Promise<CheckResult>;

const handled = (agentParam: string, refExpr: string): string =>
  `NOT EXISTS (SELECT 1 FROM ops_mission_proposals p WHERE p.agent_id = ${agentParam} AND p.source_ref = ${refExpr})`;

async function newestEvent(
  env: CheckEnv,
  agent: string,
  where: string,
  params: unknown[],
  lookbackMinutes: number,
): Promise<{ id: number; title: string; summary: string; missionId: number | null; payload: Record<string, unknown> } | null> {
  // The window's first event by the time index, then back from the newest to it: a plan that
  // does not depend on estimates (the planner has no statistics for a range of a parameter).
  const res = await env.q.query<{ id: number; title: string; summary: string; missionId: number | null; payload: Record<string, unknown> }>(
    `SELECT e.id, e.title, e.summary, e.mission_id AS "missionId", e.payload FROM ops_agent_events e
     WHERE e.id >= coalesce((SELECT w.id FROM ops_agent_events w WHERE w.created_at >= $1 ORDER BY w.created_at, w.id LIMIT 1), ${Number.MAX_SAFE_INTEGER})
       AND ${where} AND ${handled('$2', "'event:' || e.id")}
     ORDER BY e.id DESC LIMIT 1`,
    [iso(env.nowMs - lookbackMinutes * 60_000), agent, ...params],
  );
  return res.rows[0] ?? null;
}

function stepFor(kind: string, topic: string, context: string): StepSpec {
  if (kind === 'draft_tweet') return { kind, payload: { topic } };
  if (kind === 'write_content') return { kind, payload: { topic, brief: context } };
  return { kind, payload: { topic, context } };
}

/** The reactive checkers, keyed by trigger_event: each looks at the data and may propose work. */
export const reactiveCheckers: Record<ReactiveEvent, Checker> = {
  async tweet_high_engagement(env, rule) {
    const c = reactiveConditions.tweet_high_engagement.parse(rule.conditions);
    const a = reactiveAction.parse(rule.actionConfig);
    const res = await env.q.query<{ id: number; platform: string; text: string; engagement: number }>(
      `SELECT po.id, po.platform, po.text, (po.likes + 2 * po.reposts + 3 * po.replies) AS engagement FROM ops_posts po
       WHERE po.metrics_at >= $1 AND (po.likes + 2 * po.reposts + 3 * po.replies) >= $3 AND ${handled('$2', "'post:' || po.id")}
       ORDER BY engagement DESC, po.id LIMIT 1`,
      [iso(env.nowMs - c.lookback_minutes * 60_000), a.agent, c.engagement_min],
    );
    const post = res.rows[0];
    if (!post) return { fired: false, reason: `no post reached ${c.engagement_min} engagement in the last ${c.lookback_minutes} minutes` };
    const topic = `why this ${post.platform} post took off (${post.engagement} engagement)`;
    return { fired: true, firing: { agentId: a.agent, title: `Analyze high-engagement post #${post.id}`, steps: [stepFor(a.step_kind, topic, post.text)], sourceRef: `post:${post.id}`, topic } };
  },

  async mission_failed(env, rule) {
    const c = reactiveConditions.mission_failed.parse(rule.conditions);
    const a = reactiveAction.parse(rule.actionConfig);
    const ev = await newestEvent(env, a.agent, "e.kind = 'mission_failed'", [], c.lookback_minutes);
    if (!ev) return { fired: false, reason: `no unhandled mission failure in the last ${c.lookback_minutes} minutes` };
    const topic = `diagnose: ${ev.title.replace(/^Mission failed: /, '')}`;
    return { fired: true, firing: { agentId: a.agent, title: `Diagnose failed mission #${ev.missionId ?? '?'}`, steps: [stepFor(a.step_kind, topic, ev.summary)], sourceRef: `event:${ev.id}`, topic } };
  },

  async content_published(env, rule) {
    const c = reactiveConditions.content_published.parse(rule.conditions);
    const a = reactiveAction.parse(rule.actionConfig);
    const ev = await newestEvent(env, a.agent, "coalesce(e.tags, '{}') @> $3::text[]", [c.tags.map((t) => t.toLowerCase())], c.lookback_minutes);
    if (!ev) return { fired: false, reason: `nothing tagged ${c.tags.join('+')} in the last ${c.lookback_minutes} minutes` };
    const topic = `review what was published: ${ev.title}`;
    return { fired: true, firing: { agentId: a.agent, title: `Review: ${ev.title}`.slice(0, 300), steps: [stepFor(a.step_kind, topic, ev.summary)], sourceRef: `event:${ev.id}`, topic } };
  },

  async insight_promoted(env, rule) {
    const c = reactiveConditions.insight_promoted.parse(rule.conditions);
    const a = reactiveAction.parse(rule.actionConfig);
    const ev = await newestEvent(env, a.agent, "e.kind = 'insight_promoted' AND coalesce((e.payload->>'confidence')::float8, 0) >= $3", [c.min_confidence], c.lookback_minutes);
    if (!ev) return { fired: false, reason: `no insight promoted above ${c.min_confidence} in the last ${c.lookback_minutes} minutes` };
    const topic = `act on a confirmed insight: ${ev.summary}`.slice(0, 400);
    return { fired: true, firing: { agentId: a.agent, title: 'Act on a promoted insight', steps: [stepFor(a.step_kind, topic, ev.summary)], sourceRef: `event:${ev.id}`, topic } };
  },
};
