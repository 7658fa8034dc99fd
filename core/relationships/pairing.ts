import type { Random } from '../ports/random.js';
import { weightedIndex } from '../ports/random.js';
import type { AffinityMap } from './store.js';

/**
 * Pairs for the formats that depend on relationships. Both choose among the
 * enabled agents only and return null when fewer than two are enabled.
 */

/**
 * conflict_resolution: the lowest-affinity pairs get talked into a room. The
 * three lowest are candidates, weighted by tension (1 − affinity), so the
 * worst pair goes most often but not always.
 */
export function lowAffinityPair(agents: readonly string[], affinities: AffinityMap, random: Random): [string, string] | null {
  const pairs = allPairs(agents).map(([a, b]) => ({ a, b, affinity: affinities.get(a, b) }));
  if (pairs.length === 0) return null;
  pairs.sort((x, y) => x.affinity - y.affinity || (x.a + x.b).localeCompare(y.a + y.b));
  const candidates = pairs.slice(0, 3);
  const i = weightedIndex(random, candidates.map((p) => 1 - p.affinity));
  const p = candidates[Math.max(0, i)] as { a: string; b: string };
  return [p.a, p.b];
}

/**
 * mentoring: a pair that trusts each other (affinity ≥ 0.6 when there is one)
 * with the widest experience gap (live memory count); the mentor — the one
 * with more memories — comes first. Score = affinity × (1 + gap); ties are
 * broken at random.
 */
export function mentorPair(
  agents: readonly string[],
  affinities: AffinityMap,
  memoryCounts: ReadonlyMap<string, number>,
  random: Random,
): [string, string] | null {
  const pairs = allPairs(agents).map(([a, b]) => {
    const ca = memoryCounts.get(a) ?? 0;
    const cb = memoryCounts.get(b) ?? 0;
    const [mentor, mentee] = ca >= cb ? [a, b] : [b, a];
    const affinity = affinities.get(a, b);
    return { mentor, mentee, affinity, score: affinity * (1 + Math.abs(ca - cb)) };
  });
  if (pairs.length === 0) return null;
  const close = pairs.filter((p) => p.affinity >= 0.6);
  const pool = close.length ? close : pairs;
  const best = Math.max(...pool.map((p) => p.score));
  const top = pool.filter((p) => p.score >= best - 1e-9);
  const p = top[Math.floor(random.next() * top.length)] as { mentor: string; mentee: string };
  return [p.mentor, p.mentee];
}

function allPairs(agents: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < agents.length; i++) for (let j = i + 1; j < agents.length; j++) out.push([agents[i] as string, agents[j] as string]);
  return out;
}
