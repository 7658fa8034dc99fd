import { describe, expect, it } from 'vitest';
import { SeededRandom, type Random } from '../../../core/ports/random.ts';
import { interactionType } from '../../../core/relationships/interaction.ts';
import { lowAffinityPair, mentorPair } from '../../../core/relationships/pairing.ts';
import { AffinityMap, pairKey } from '../../../core/relationships/store.ts';

const agents = ['brain', 'creator', 'opus', 'twitter-alt'];
const affinities = new AffinityMap(
  new Map([
    [pairKey('brain', 'opus'), 0.8],
    [pairKey('opus', 'twitter-alt'), 0.3],
    [pairKey('brain', 'twitter-alt'), 0.2],
    [pairKey('creator', 'twitter-alt'), 0.7],
    [pairKey('brain', 'creator'), 0.5],
    [pairKey('creator', 'opus'), 0.6],
  ]),
);
const seq = (...values: number[]): Random => ({ next: () => values.shift() ?? 0 });

describe('affinity-driven pairing and tone', () => {
  it('conflict resolution pairs the agents who get along worst', () => {
    const counts = new Map<string, number>();
    const random = new SeededRandom(9);
    for (let i = 0; i < 600; i++) {
      const p = lowAffinityPair(agents, affinities, random)!.join('|');
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['brain|creator', 'brain|twitter-alt', 'opus|twitter-alt']);
    expect(counts.get('brain|twitter-alt')!).toBeGreaterThan(counts.get('brain|creator')!);
    expect(lowAffinityPair(['opus'], affinities, random)).toBeNull();
  });

  it('mentoring pairs close colleagues with the widest experience gap, mentor first', () => {
    const memories = new Map([
      ['brain', 40],
      ['opus', 5],
      ['creator', 30],
      ['twitter-alt', 0],
    ]);
    expect(mentorPair(agents, affinities, memories, new SeededRandom(1))).toEqual(['brain', 'opus']);
    // nobody has experience yet: the closest pair
    expect(mentorPair(agents, affinities, new Map(), new SeededRandom(1))).toEqual(['brain', 'opus']);
  });

  it('sets the interaction type from tension = 1 − affinity', () => {
    expect(interactionType(0.3, seq(0.1))).toBe('challenge');
    expect(interactionType(0.3, seq(0.25))).toBe('critical');
    expect(interactionType(0.8, seq(0.3))).toBe('supportive');
    expect(interactionType(0.8, seq(0.5))).toBe('agreement');
    expect(interactionType(0.5, seq(0.1))).toBe('neutral');
    expect(interactionType(0.4, seq(0.1))).toBe('neutral'); // tension exactly 0.6 is not "above"
    expect(interactionType(0.7, seq(0.1))).toBe('neutral'); // tension 0.3 is not "below"
  });
});
