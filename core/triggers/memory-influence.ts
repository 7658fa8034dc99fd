import type { Queryable } from '../db/db.js';
import { queryMemories, type MemoryRow } from '../memory/store.js';
import type { Random } from '../ports/random.js';

/** One memory query per agent per heartbeat, shared by every checker. */
export type MemoryCache = Map<string, Promise<MemoryRow[]>>;

export function agentLessons(q: Queryable, cache: MemoryCache, agentId: string): Promise<MemoryRow[]> {
  let hit = cache.get(agentId);
  if (!hit) {
    hit = queryMemories(q, { agentId, types: ['strategy', 'lesson'], minConfidence: 0.6, limit: 10 });
    cache.set(agentId, hit);
  }
  return hit;
}

const STOP = new Set(['the', 'and', 'for', 'with', 'that', 'this', 'from', 'our', 'what', 'how', 'are', 'was', 'were', 'into', 'about', 'a', 'an', 'of', 'to', 'in', 'on', 'is', 'it', 'as', 'by', 'at', 'we', 'us']);

export function keywords(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 2 && !STOP.has(w))
      .map((w) => w.replace(/(ing|ed|s)$/, '')),
  );
}

/**
 * The topic sharing the most keywords with a memory (content and tags); null
 * when nothing overlaps. Memories come best first, so ties go to the more
 * confident memory. A lesson tagged `weak` (a post that fell flat) says what
 * not to do again: it never draws the agent toward its topic.
 */
export function findBestMatch(memories: readonly MemoryRow[], topics: readonly string[]): { topic: string; memoryId: number } | null {
  const topicWords = topics.map((t) => keywords(t));
  let best: { topic: string; memoryId: number; score: number } | null = null;
  for (const m of memories) {
    if (m.tags.includes('weak')) continue;
    const mw = keywords(`${m.content} ${m.tags.join(' ')}`);
    topics.forEach((topic, i) => {
      let score = 0;
      for (const w of topicWords[i] ?? []) if (mw.has(w)) score++;
      if (score > (best?.score ?? 0)) best = { topic, memoryId: m.id, score };
    });
  }
  const found = best as { topic: string; memoryId: number } | null;
  return found ? { topic: found.topic, memoryId: found.memoryId } : null;
}

export interface TopicChoice {
  topic: string;
  memoryInfluenced: boolean;
  memoryId?: number;
}

/**
 * With `probability` (memory_influence_policy, 0.3) the base topic gives way to
 * the topic that best matches the agent's strategy and lesson memories;
 * otherwise the rule keeps its rotation. 30%: memory-influenced, not memory-dependent.
 */
export async function enrichTopicWithMemory(
  q: Queryable,
  random: Random,
  cache: MemoryCache,
  agentId: string,
  baseTopic: string,
  allTopics: readonly string[],
  policy: { enabled: boolean; probability: number },
): Promise<TopicChoice> {
  if (!policy.enabled || random.next() >= policy.probability) return { topic: baseTopic, memoryInfluenced: false };
  const match = findBestMatch(await agentLessons(q, cache, agentId), allTopics);
  if (!match) return { topic: baseTopic, memoryInfluenced: false };
  return { topic: match.topic, memoryInfluenced: true, memoryId: match.memoryId };
}
