import { fnv1a, SeededRandom, type Random } from '../ports/random.js';

/**
 * Independent random streams derived from one seed drawn from ctx.random.
 * A conversation's speaker picks, a slot's roll and a turn's gap each get
 * their own stream keyed by what they are about (conversation id, day and
 * hour, turn number), so the outcome does not depend on which loop happened
 * to draw first — and a conversation resumed after a crash replays the same
 * choices for the turns it still has to speak.
 */
export function drawSeed(random: Random): number {
  return Math.floor(random.next() * 0x1_0000_0000) >>> 0;
}

export function subRandom(seed: number, ...parts: (string | number)[]): Random {
  let h = fnv1a(`${seed}:${parts.join(':')}`);
  // one extra avalanche round so nearby keys give unrelated streams
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return new SeededRandom(h >>> 0);
}
