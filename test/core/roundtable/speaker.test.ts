import { describe, expect, it } from 'vitest';
import { SeededRandom, type Random } from '../../../core/ports/random.ts';
import { AffinityMap, pairKey } from '../../../core/relationships/store.ts';
import { baseWeight, recencyPenalty, selectFirstSpeaker, selectNextSpeaker, speakerWeights } from '../../../core/roundtable/speaker.ts';

const affinities = new AffinityMap(
  new Map([
    [pairKey('opus', 'brain'), 0.8],
    [pairKey('opus', 'twitter-alt'), 0.3],
    [pairKey('brain', 'twitter-alt'), 0.3],
  ]),
);
const fixed = (v: number): Random => ({ next: () => v });

describe('speaker selection', () => {
  it('weighs 1 + affinity × 0.6 − recencyPenalty × 0.4, and 0 for the last speaker', () => {
    const speakCounts = new Map([
      ['opus', 2],
      ['brain', 1],
      ['twitter-alt', 1],
    ]);
    const c = { participants: ['opus', 'brain', 'twitter-alt'], lastSpeaker: 'opus', speakCounts, affinities };
    expect(recencyPenalty('opus', speakCounts)).toBe(0.5);
    expect(baseWeight('opus', c)).toBe(0);
    expect(baseWeight('brain', c)).toBeCloseTo(1 + 0.8 * 0.6 - 0.25 * 0.4, 10);
    expect(baseWeight('twitter-alt', c)).toBeCloseTo(1 + 0.3 * 0.6 - 0.25 * 0.4, 10);
    // jitter is ±0.2 from the Random port
    expect(speakerWeights(c, fixed(0))).toEqual([0, expect.closeTo(1.38 - 0.2, 10), expect.closeTo(1.08 - 0.2, 10)]);
    expect(speakerWeights(c, fixed(0.999999))[1]).toBeCloseTo(1.58, 4);
  });

  it('never picks the last speaker, and favours the one who gets along with them', () => {
    const random = new SeededRandom(3);
    const c = { participants: ['opus', 'brain', 'twitter-alt'], lastSpeaker: 'opus', speakCounts: new Map<string, number>(), affinities };
    const picks = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const s = selectNextSpeaker(c, random);
      picks.set(s, (picks.get(s) ?? 0) + 1);
    }
    expect(picks.get('opus')).toBeUndefined();
    expect(picks.get('brain')!).toBeGreaterThan(picks.get('twitter-alt')!);
    expect(picks.get('twitter-alt')!).toBeGreaterThan(500);
  });

  it('the leader opens when the format says so and is in the room', () => {
    const c = { participants: ['brain', 'opus', 'growth'], speakCounts: new Map<string, number>(), affinities };
    expect(selectFirstSpeaker(c, true, 'opus', new SeededRandom(1))).toBe('opus');
    const firsts = new Set([...Array(50).keys()].map((i) => selectFirstSpeaker(c, false, 'opus', new SeededRandom(i))));
    expect(firsts.size).toBe(3);
    expect(selectFirstSpeaker({ ...c, participants: ['brain', 'growth'] }, true, 'opus', new SeededRandom(1))).toMatch(/brain|growth/);
  });
});
