import type { Queryable } from '../db/db.js';
import { memoryTypes, type MemoryType } from './store.js';

/**
 * Voice evolution: how experience changes the way an agent talks, derived by
 * rules (no LLM) from the statistics of its live memories. At most three
 * modifiers; they go into the system prompt under "Personality evolution:".
 */
export const MAX_MODIFIERS = 3;

export interface MemoryStats {
  total: number;
  byType: Record<MemoryType, number>;
  /** Most used tags, most frequent first. */
  topTags: { tag: string; count: number }[];
  avgConfidence: number;
  /** Lessons that came from real results (provenance outcome or mission). */
  outcomeLessons: number;
  /** Preferences the user whispered. */
  userPreferences: number;
}

export async function memoryStats(q: Queryable, agentId: string): Promise<MemoryStats> {
  const base = await q.query<{ type: MemoryType; n: number; conf: number; outcome: number; user_pref: number }>(
    `SELECT type, count(*)::int AS n, coalesce(sum(confidence), 0)::float8 AS conf,
            count(*) FILTER (WHERE type = 'lesson' AND provenance IN ('outcome', 'mission'))::int AS outcome,
            count(*) FILTER (WHERE type = 'preference' AND provenance = 'user')::int AS user_pref
     FROM ops_agent_memory WHERE agent_id = $1 AND superseded_at IS NULL GROUP BY type`,
    [agentId],
  );
  const tags = await q.query<{ tag: string; count: number }>(
    `SELECT tag, count(*)::int AS count FROM ops_agent_memory, unnest(tags) AS tag
     WHERE agent_id = $1 AND superseded_at IS NULL GROUP BY tag ORDER BY count DESC, tag LIMIT 10`,
    [agentId],
  );
  const byType = Object.fromEntries(memoryTypes.map((t) => [t, 0])) as Record<MemoryType, number>;
  let total = 0;
  let conf = 0;
  let outcomeLessons = 0;
  let userPreferences = 0;
  for (const r of base.rows) {
    byType[r.type] = r.n;
    total += r.n;
    conf += r.conf;
    outcomeLessons += r.outcome;
    userPreferences += r.user_pref;
  }
  return { total, byType, topTags: tags.rows, avgConfidence: total ? Math.round((conf / total) * 100) / 100 : 0, outcomeLessons, userPreferences };
}

interface Rule {
  when: (s: MemoryStats) => boolean;
  say: (s: MemoryStats) => string;
}

const hasTag = (s: MemoryStats, tag: string): boolean => s.topTags.some((t) => t.tag === tag);
const topTag = (s: MemoryStats): { tag: string; count: number } | undefined => s.topTags[0];

/** In priority order; the first three that apply are used. */
export const voiceRules: Rule[] = [
  // the seed's rules
  { when: (s) => s.byType.lesson > 10 && hasTag(s, 'engagement'), say: () => 'Reference what works in engagement when relevant' },
  { when: (s) => s.byType.pattern > 5 && topTag(s)?.tag === 'content', say: () => "You've developed expertise in content strategy" },
  { when: (s) => s.byType.strategy > 8, say: () => 'You think strategically about long-term plans' },
  // ours
  { when: (s) => s.outcomeLessons >= 3, say: () => 'You have learned from real results: mention what worked and what failed when it matters' },
  { when: (s) => s.userPreferences >= 1, say: () => 'Keep in mind what the user told you they prefer' },
  { when: (s) => s.byType.insight > 10, say: () => 'You connect observations into new insights; offer one when it helps' },
  {
    when: (s) => (topTag(s)?.count ?? 0) >= 8 && topTag(s)?.tag !== 'content',
    say: (s) => `You have become the team's go-to voice on "${topTag(s)?.tag}"`,
  },
  { when: (s) => s.total >= 20 && s.avgConfidence >= 0.8, say: () => 'You speak with the calm confidence of experience' },
];

export function modifiersFromStats(stats: MemoryStats): string[] {
  return voiceRules.filter((r) => r.when(stats)).map((r) => r.say(stats)).slice(0, MAX_MODIFIERS);
}

export async function deriveVoiceModifiers(q: Queryable, agentId: string): Promise<{ modifiers: string[]; stats: MemoryStats }> {
  const stats = await memoryStats(q, agentId);
  return { modifiers: modifiersFromStats(stats), stats };
}
