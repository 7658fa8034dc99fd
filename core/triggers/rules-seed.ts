import type { Queryable } from '../db/db.js';

interface SeedRule {
  name: string;
  kind: 'reactive' | 'proactive';
  trigger_event: string;
  conditions: Record<string, unknown>;
  action_config: Record<string, unknown>;
  cooldown_minutes: number;
}

const jitter = [25, 45];

/** The seed's 4 reactive and 7 proactive rules. Inserted once; the user's edits are kept. */
export const seedRules: SeedRule[] = [
  {
    name: 'tweet_high_engagement',
    kind: 'reactive',
    trigger_event: 'tweet_high_engagement',
    conditions: { engagement_min: 20, lookback_minutes: 120 },
    action_config: { agent: 'growth', step_kind: 'analyze' },
    cooldown_minutes: 120,
  },
  {
    name: 'mission_failed',
    kind: 'reactive',
    trigger_event: 'mission_failed',
    conditions: { lookback_minutes: 60 },
    action_config: { agent: 'brain', step_kind: 'analyze' },
    cooldown_minutes: 30,
  },
  {
    name: 'content_published',
    kind: 'reactive',
    trigger_event: 'content_published',
    conditions: { lookback_minutes: 120, tags: ['posted'] },
    action_config: { agent: 'observer', step_kind: 'analyze' },
    cooldown_minutes: 60,
  },
  {
    name: 'insight_promoted',
    kind: 'reactive',
    trigger_event: 'insight_promoted',
    conditions: { lookback_minutes: 240, min_confidence: 0.8 },
    action_config: { agent: 'opus', step_kind: 'analyze' },
    cooldown_minutes: 240,
  },
  {
    name: 'proactive_scan_signals',
    kind: 'proactive',
    trigger_event: 'proactive',
    conditions: {
      skip_probability: 0.12,
      jitter_minutes: jitter,
      topics: ['AI agent tooling trends', 'local-first software', 'developer productivity signals', 'open-source model releases', 'competitor launches'],
      active_hours: [0, 24],
    },
    action_config: { agent: 'growth', step_kind: 'analyze', title: 'Scan signals: {topic}', payload: { topic: '{topic}', question: 'What changed, and is there an opportunity for us?' } },
    cooldown_minutes: 180,
  },
  {
    name: 'proactive_draft_tweet',
    kind: 'proactive',
    trigger_event: 'proactive',
    conditions: {
      skip_probability: 0.15,
      jitter_minutes: jitter,
      topics: ['what we shipped this week', 'a lesson from a failed experiment', 'a bold prediction', 'behind the scenes of the team', 'a useful tip for builders'],
      active_hours: [0, 24],
    },
    action_config: { agent: 'twitter-alt', step_kind: 'draft_tweet', title: 'Draft a post: {topic}', payload: { topic: '{topic}', platform: 'bluesky' } },
    cooldown_minutes: 240,
  },
  {
    name: 'proactive_research',
    kind: 'proactive',
    trigger_event: 'proactive',
    conditions: {
      skip_probability: 0.1,
      jitter_minutes: jitter,
      topics: ['pricing models for small teams', 'engagement patterns of technical posts', 'retention drivers', 'content formats that convert'],
      active_hours: [0, 24],
    },
    action_config: { agent: 'brain', step_kind: 'analyze', title: 'Deep research: {topic}', payload: { topic: '{topic}', question: 'What does the evidence say?' } },
    cooldown_minutes: 360,
  },
  {
    name: 'proactive_analyze_ops',
    kind: 'proactive',
    trigger_event: 'proactive',
    conditions: {
      skip_probability: 0.1,
      jitter_minutes: jitter,
      topics: ['mission failure rate', 'queue health and stuck steps', 'quota usage', 'LLM cost and latency'],
      active_hours: [0, 24],
    },
    action_config: { agent: 'observer', step_kind: 'analyze', title: 'Ops review: {topic}', payload: { topic: '{topic}', question: 'Anything off? What should we fix first?' } },
    cooldown_minutes: 480,
  },
  {
    name: 'proactive_crawl_sources',
    kind: 'proactive',
    trigger_event: 'proactive',
    conditions: {
      skip_probability: 0.12,
      jitter_minutes: jitter,
      topics: ['https://news.ycombinator.com/', 'https://github.com/trending', 'https://lobste.rs/'],
      active_hours: [0, 24],
    },
    action_config: { agent: 'growth', step_kind: 'crawl', title: 'Read {topic}', payload: { url: '{topic}' } },
    cooldown_minutes: 720,
  },
  {
    name: 'proactive_write_content',
    kind: 'proactive',
    trigger_event: 'proactive',
    conditions: {
      skip_probability: 0.12,
      jitter_minutes: jitter,
      topics: ['how our agents decide what to work on', 'what a week of autonomous work taught us', 'the case for local-first AI'],
      active_hours: [0, 24],
    },
    action_config: { agent: 'creator', step_kind: 'write_content', title: 'Write: {topic}', payload: { topic: '{topic}' } },
    cooldown_minutes: 720,
  },
  {
    name: 'proactive_roundtable',
    kind: 'proactive',
    trigger_event: 'proactive',
    conditions: {
      skip_probability: 0.12,
      jitter_minutes: jitter,
      topics: ['what should we try next', 'what is slowing us down', 'our riskiest assumption'],
      active_hours: [0, 24],
    },
    action_config: { agent: 'opus', step_kind: 'roundtable', title: 'Brainstorm: {topic}', payload: { format: 'brainstorm', topic: '{topic}' } },
    cooldown_minutes: 480,
  },
];

/**
 * Minutes after the first start before a proactive rule may first fire:
 * staggered, so a new company does not wake up with every agent proposing at once.
 */
export function initialDelayMinutes(proactiveIndex: number): number {
  return 15 + proactiveIndex * 10;
}

export async function seedTriggerRules(q: Queryable, now: string): Promise<void> {
  let proactive = 0;
  for (const r of seedRules) {
    const first = r.kind === 'proactive' ? new Date(Date.parse(now) + initialDelayMinutes(proactive++) * 60_000).toISOString() : null;
    await q.query(
      `INSERT INTO ops_trigger_rules (name, kind, trigger_event, conditions, action_config, cooldown_minutes, enabled, next_eligible_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, true, $8, $7, $7) ON CONFLICT (name) DO NOTHING`,
      [r.name, r.kind, r.trigger_event, JSON.stringify(r.conditions), JSON.stringify(r.action_config), r.cooldown_minutes, now, first],
    );
  }
}
