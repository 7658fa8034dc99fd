import { proactiveAction, proactiveConditions, reactiveAction, reactiveConditions } from '../triggers/rule-schemas.js';

/** A trigger rule's row, as far as describing it needs. */
export interface RuleShape {
  name: string;
  kind: string;
  trigger_event: string;
  conditions: unknown;
  action_config: unknown;
  cooldown_minutes: number;
}

function duration(minutes: number): string {
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} h`;
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

/** When a reactive rule acts, in words; null when its conditions do not fit its trigger_event. */
function whenReactive(r: RuleShape): string | null {
  const within = (m: number): string => `within ${duration(m)}`;
  switch (r.trigger_event) {
    case 'tweet_high_engagement': {
      const c = reactiveConditions.tweet_high_engagement.safeParse(r.conditions);
      return c.success ? `When a post reaches ${c.data.engagement_min} engagement (likes + 2 × reposts + 3 × replies) ${within(c.data.lookback_minutes)}` : null;
    }
    case 'mission_failed': {
      const c = reactiveConditions.mission_failed.safeParse(r.conditions);
      return c.success ? `When a mission fails (${within(c.data.lookback_minutes)})` : null;
    }
    case 'content_published': {
      const c = reactiveConditions.content_published.safeParse(r.conditions);
      return c.success ? `When something is published (an event tagged ${c.data.tags.join(', ')}, ${within(c.data.lookback_minutes)})` : null;
    }
    case 'insight_promoted': {
      const c = reactiveConditions.insight_promoted.safeParse(r.conditions);
      return c.success ? `When an insight with confidence ${c.data.min_confidence.toFixed(2)} or more is promoted (${within(c.data.lookback_minutes)})` : null;
    }
    default:
      return null;
  }
}

/**
 * What a trigger rule does, in a sentence a person reads: when it acts and
 * who then proposes what (with the agent's display name), e.g. "Every 6 h
 * (plus 25–45 min), skipped 10 % of the time: Brain proposes analyze
 * "Deep research: {topic}" on one of 4 topics".
 */
export function describeRule(r: RuleShape, agentName: (id: string) => string): string {
  if (r.kind === 'proactive') {
    const c = proactiveConditions.safeParse(r.conditions);
    const a = proactiveAction.safeParse(r.action_config);
    if (!c.success || !a.success) return `A proactive rule whose settings no longer fit its schema; every ${duration(r.cooldown_minutes)} at most`;
    const [j0, j1] = c.data.jitter_minutes;
    const [from, to] = c.data.active_hours;
    const hours = from === 0 && to === 24 ? '' : `, between ${from}:00 and ${to}:00`;
    const jitter = j1 > 0 ? ` (plus ${j0}–${j1} min)` : '';
    const topics = c.data.topics.length === 1 ? `on "${c.data.topics[0]}"` : `on one of ${c.data.topics.length} topics`;
    return `Every ${duration(r.cooldown_minutes)}${jitter}${hours}, skipped ${Math.round(c.data.skip_probability * 100)} % of the time: ${agentName(a.data.agent)} proposes ${a.data.step_kind} "${a.data.title}" ${topics}`;
  }
  const when = whenReactive(r);
  const a = reactiveAction.safeParse(r.action_config);
  const who = a.success ? `${agentName(a.data.agent)} proposes ${a.data.step_kind} on it` : 'an agent proposes work on it';
  return `${when ?? `When "${r.trigger_event}" happens`}: ${who}; then waits ${duration(r.cooldown_minutes)} before acting again`;
}
