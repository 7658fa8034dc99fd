import { z } from 'zod';
import { autopostPolicyDefault, autopostPolicySchema } from '../autopost/autopost-policy.js';
import { budgetPolicyDefault, budgetPolicySchema } from '../budget/budget-policy.js';

/**
 * Every policy key, its schema and its default. Policies live in ops_policy as
 * jsonb; the engine reads them on use, so a change takes effect without restart.
 */
const stepKind = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a step kind is lower_snake_case').describe('lower_snake_case, like “analyze”');
const agentId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'an agent id is lowercase letters, digits and dashes')
  .describe('an agent id: lowercase letters, digits and dashes, like “brain”');
const limit = z.number().int().min(0).max(100_000);
const probability = z.number().min(0).max(1);

/** Step kinds the engine knows; each gets a worker flag. */
export const knownStepKinds = [
  'analyze',
  'write_content',
  'crawl',
  'draft_tweet',
  'post_tweet',
  'post_bluesky',
  'deploy',
  'roundtable',
  'wait',
  'briefing',
  'consolidate_memory',
] as const;

const knownStepKind = z.enum(knownStepKinds, { error: () => `not a step kind the engine runs; pick from ${knownStepKinds.join(', ')}` });

export const reactionPattern = z.object({
  source: z.union([z.literal('*'), agentId]),
  tags: z.array(z.string().min(1)).min(1),
  target: agentId,
  type: z.string().min(1).max(40),
  probability,
  cooldown: z.number().int().min(0).max(7 * 24 * 60).describe('minutes'),
});

export const policySchemas = {
  auto_approve: z.object({ enabled: z.boolean(), allowed_step_kinds: z.array(knownStepKind) }),
  x_daily_quota: z.object({ limit }),
  bluesky_daily_quota: z.object({ limit }),
  content_policy: z.object({
    enabled: z.boolean(),
    max_drafts_per_day: limit,
    max_length_chars: z.number().int().min(200).max(200_000).default(20_000),
  }),
  crawl_policy: z.object({
    enabled: z.boolean(),
    max_per_day: limit,
    allowed_hosts: z.array(z.string().min(1)).describe('hosts allowed even when loopback or private'),
    timeout_ms: z.number().int().min(500).max(120_000),
    max_bytes: z.number().int().min(1024).max(50_000_000),
    max_redirects: z.number().int().min(0).max(10),
  }),
  deploy_policy: z.object({ enabled: z.boolean(), max_per_day: limit }),
  roundtable_policy: z.object({
    enabled: z.boolean(),
    max_daily_conversations: z.number().int().min(0).max(48),
    max_action_items_per_day: z.number().int().min(0).max(20).default(3),
    stale_minutes: z.number().min(1).max(1440).default(10),
  }),
  memory_influence_policy: z.object({ enabled: z.boolean(), probability }),
  relationship_drift_policy: z.object({ enabled: z.boolean(), max_drift: z.number().min(0).max(0.2) }),
  initiative_policy: z.object({
    enabled: z.boolean(),
    cooldown_hours: z.number().min(0).max(168),
    min_high_confidence_memories: z.number().int().min(0).max(200),
    high_confidence: z.number().min(0).max(1).default(0.7),
    max_proposals: z.number().int().min(1).max(5).default(2),
  }),
  reaction_matrix: z.object({ patterns: z.array(reactionPattern).max(200) }),
  proposal_limits: z.object({
    default_daily_limit: limit,
    per_agent: z.record(agentId, limit),
  }),
  workers: z.object({
    kinds: z.record(
      stepKind,
      z.object({ enabled: z.boolean(), concurrency: z.number().int().min(1).max(64) }),
    ),
  }),
  step_retry_policy: z.object({
    max_attempts: z.number().int().min(1).max(20),
    backoff_base_seconds: z.number().min(0).max(3600),
    backoff_max_seconds: z.number().min(0).max(86_400),
  }),
  heartbeat_policy: z.object({
    enabled: z.boolean(),
    interval_minutes: z.number().min(0.1).max(1440),
    stale_step_minutes: z
      .number()
      .min(0.25)
      .max(1440)
      .describe('minutes a running step may go without its worker renewing its lease before another worker takes it (renewed every quarter of this)'),
    trigger_budget_ms: z.number().int().min(100).max(60_000),
    reaction_budget_ms: z.number().int().min(100).max(60_000),
  }),
  learning_policy: z.object({
    outcome_window_hours: z.number().min(1).max(24 * 14),
    min_posts: z.number().int().min(1).max(1000),
    strong_multiple: z.number().min(1).max(100),
    weak_multiple: z.number().min(0).max(1),
    max_lessons_per_agent_per_day: z.number().int().min(0).max(100),
    insight_promotion_threshold: z.number().min(0).max(1),
    insight_promotion_boost: z.number().min(0).max(0.5),
  }),
  llm_policy: z.object({
    hosts: z
      .array(z.string().url('a host is a URL like http://127.0.0.1:11434').refine((u) => /^https?:/.test(u), 'a host is an http(s) URL'))
      .min(1, 'at least one Ollama host'),
    default_model: z.string().min(1).max(200),
    fallback_model: z.string().max(200).nullable(),
    per_agent: z.record(agentId, z.string().min(1).max(200)),
    per_step_kind: z.record(stepKind, z.string().min(1).max(200)),
    keep_alive: z.union([z.string().regex(/^-?\d+(ms|s|m|h)?$/, 'like "5m", "30s" or "-1"').describe('a duration like “5m”, “30s”, or “-1” for always'), z.number()]),
    num_ctx: z.number().int().min(256).max(1_048_576).nullable(),
    health_check_seconds: z.number().min(0.1).max(3600),
  }),
  backup_policy: z.object({
    enabled: z.boolean(),
    /** "daily": once per local day in the timezone policy, taken by the heartbeat. */
    every: z.enum(['daily']),
    keep: z.number().int().min(1).max(365),
  }),
  timezone: z.object({
    name: z.string().refine((tz) => isTimeZone(tz), 'not a known IANA time zone, e.g. "Europe/Berlin"'),
  }),
  // autonomy (issue 10)
  budget_policy: budgetPolicySchema,
  autopost_policy: autopostPolicySchema,
} as const;

export type PolicyKey = keyof typeof policySchemas;
export type PolicyValue<K extends PolicyKey> = z.infer<(typeof policySchemas)[K]>;
export const policyKeys = Object.keys(policySchemas) as PolicyKey[];

export function isPolicyKey(key: string): key is PolicyKey {
  return Object.prototype.hasOwnProperty.call(policySchemas, key);
}

/** Zones already asked about: making a formatter to find out costs ~100 µs, and every policy read checks one. */
const zoneChecks = new Map<string, boolean>();

function isTimeZone(tz: string): boolean {
  let ok = zoneChecks.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (zoneChecks.size >= 1_000) zoneChecks.clear();
    zoneChecks.set(tz, ok);
  }
  return ok;
}


export const policyDefaults: { [K in PolicyKey]: PolicyValue<K> } = {
  auto_approve: { enabled: true, allowed_step_kinds: ['analyze', 'crawl', 'draft_tweet', 'write_content', 'roundtable', 'wait', 'briefing', 'consolidate_memory'] },
  x_daily_quota: { limit: 5 },
  bluesky_daily_quota: { limit: 5 },
  content_policy: { enabled: true, max_drafts_per_day: 8, max_length_chars: 20_000 },
  crawl_policy: {
    enabled: true,
    max_per_day: 30,
    allowed_hosts: [],
    timeout_ms: 15_000,
    max_bytes: 2_000_000,
    max_redirects: 5,
  },
  deploy_policy: { enabled: false, max_per_day: 1 },
  roundtable_policy: { enabled: true, max_daily_conversations: 5, max_action_items_per_day: 3, stale_minutes: 10 },
  memory_influence_policy: { enabled: true, probability: 0.3 },
  relationship_drift_policy: { enabled: true, max_drift: 0.03 },
  initiative_policy: { enabled: false, cooldown_hours: 4, min_high_confidence_memories: 5, high_confidence: 0.7, max_proposals: 2 },
  reaction_matrix: {
    patterns: [
      { source: '*', tags: ['mission_failed'], target: 'brain', type: 'diagnose', probability: 1, cooldown: 60 },
      { source: 'twitter-alt', tags: ['tweet', 'posted'], target: 'growth', type: 'analyze', probability: 0.3, cooldown: 120 },
    ],
  },
  proposal_limits: { default_daily_limit: 20, per_agent: {} },
  workers: {
    kinds: Object.fromEntries(
      knownStepKinds.map((k) => [k, { enabled: true, concurrency: k === 'wait' ? 4 : k === 'crawl' ? 2 : 1 }]),
    ),
  },
  step_retry_policy: { max_attempts: 3, backoff_base_seconds: 30, backoff_max_seconds: 1800 },
  heartbeat_policy: {
    enabled: true,
    interval_minutes: 5,
    stale_step_minutes: 0.5,
    trigger_budget_ms: 4000,
    reaction_budget_ms: 3000,
  },
  learning_policy: {
    outcome_window_hours: 48,
    min_posts: 3,
    strong_multiple: 2,
    weak_multiple: 0.3,
    max_lessons_per_agent_per_day: 3,
    insight_promotion_threshold: 0.75,
    insight_promotion_boost: 0.1,
  },
  llm_policy: {
    hosts: ['http://127.0.0.1:11434'],
    default_model: 'llama3.2',
    fallback_model: null,
    per_agent: {},
    per_step_kind: {},
    keep_alive: '5m',
    num_ctx: null,
    health_check_seconds: 15,
  },
  backup_policy: { enabled: true, every: 'daily', keep: 7 },
  timezone: { name: 'UTC' },
  // autonomy (issue 10)
  budget_policy: budgetPolicyDefault,
  autopost_policy: autopostPolicyDefault,
};

/** One-line explanations shown in the settings pane. */
export const policyDescriptions: { [K in PolicyKey]: string } = {
  auto_approve: 'Which step kinds are approved without asking you.',
  x_daily_quota: 'Most posts to X per day; proposals beyond it are rejected at the door.',
  bluesky_daily_quota: 'Most posts to Bluesky per day.',
  content_policy: 'Content writing on/off, drafts per day and longest document.',
  crawl_policy: 'Web crawling limits; private and loopback hosts are refused unless listed.',
  deploy_policy: 'Deploy steps on/off and per day.',
  roundtable_policy:
    'Conversations on/off, the most per day (schedule and yours together), action items turned into proposals per day, and when a stuck conversation is recovered.',
  memory_influence_policy: 'How often memories steer what an agent works on.',
  relationship_drift_policy: 'Whether conversations move affinities, and how far one conversation can move one (affinity stays within 0.10–0.95).',
  initiative_policy:
    'Whether agents propose their own work: at most once per cooldown, once they hold enough high-confidence memories and a lesson from real outcomes.',
  reaction_matrix: 'Who reacts to what, how likely, and how often.',
  proposal_limits: 'Most proposals per agent per day.',
  workers: 'Each worker on/off and how many steps it runs at once.',
  step_retry_policy: 'How often and how patiently failed steps are retried.',
  heartbeat_policy: 'The heartbeat interval, stale-step recovery and time budgets.',
  learning_policy: 'How agents learn from post engagement (window, baseline multiples, lessons per day) and when insights get promoted.',
  llm_policy: 'Ollama hosts (local or LAN), the default and fallback model, and model choice per agent and per step kind.',
  timezone: 'Your time zone, for "per day" limits and the conversation schedule.',
  // autonomy (issue 10)
  budget_policy:
    'Token (and LLM-second) budgets per agent per day, for the company per day and month, and per trigger rule; a warning at warn_ratio, LLM work held at 100 %. Optional price per million tokens per model.',
  autopost_policy: 'When a draft is written, propose posting it on these platforms (off by default; posts wait for your yes unless their kind is auto-approved).',
  backup_policy: 'Automatic backups of the whole company: once a day, keeping the newest N, in the data folder\'s backups/.',
};
