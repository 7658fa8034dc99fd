import { weightedIndex, type Random } from '../ports/random.js';
import type { AffinityMap } from '../relationships/store.js';

/**
 * Who speaks next. Not round-robin: in a real meeting you answer people you
 * get along with, and whoever just spoke a lot lets others talk.
 *
 *   weight = 0 for the last speaker (nobody speaks twice in a row), else
 *   1 + affinity(agent, lastSpeaker) × 0.6 − recencyPenalty × 0.4 ± 0.2 jitter
 *
 * recencyPenalty is the agent's share of the turns so far (0 for someone
 * who has not spoken, 1 for someone who did all the talking).
 */
export const AFFINITY_WEIGHT = 0.6;
export const RECENCY_WEIGHT = 0.4;
export const JITTER = 0.2;

export interface SpeakerContext {
  participants: readonly string[];
  lastSpeaker: string | null;
  /** Turns spoken so far, per agent. */
  speakCounts: ReadonlyMap<string, number>;
  affinities: AffinityMap;
}

export function recencyPenalty(agent: string, speakCounts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const n of speakCounts.values()) total += n;
  return total === 0 ? 0 : (speakCounts.get(agent) ?? 0) / total;
}

/** Weights before jitter, for inspection and tests. */
export function baseWeight(agent: string, c: SpeakerContext): number {
  if (agent === c.lastSpeaker) return 0;
  const affinity = c.lastSpeaker ? c.affinities.get(agent, c.lastSpeaker) : 0.5;
  return 1 + affinity * AFFINITY_WEIGHT - recencyPenalty(agent, c.speakCounts) * RECENCY_WEIGHT;
}

export function speakerWeights(c: SpeakerContext, random: Random): number[] {
  return c.participants.map((agent) => {
    const base = baseWeight(agent, c);
    if (base === 0) return 0;
    const jitter = random.next() * 2 * JITTER - JITTER;
    return Math.max(0.01, base + jitter);
  });
}

export function selectNextSpeaker(c: SpeakerContext, random: Random): string {
  const weights = speakerWeights(c, random);
  const i = weightedIndex(random, weights);
  // only one participant, or every weight zero: anyone but the last speaker, else the first
  if (i < 0) return c.participants.find((p) => p !== c.lastSpeaker) ?? (c.participants[0] as string);
  return c.participants[i] as string;
}

/** The first speaker: the leader when the format says so and the leader is in the room, else weighted like any turn. */
export function selectFirstSpeaker(c: Omit<SpeakerContext, 'lastSpeaker'>, leaderOpens: boolean, leader: string, random: Random): string {
  if (leaderOpens && c.participants.includes(leader)) return leader;
  return selectNextSpeaker({ ...c, lastSpeaker: null }, random);
}
