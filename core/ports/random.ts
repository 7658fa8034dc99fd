/**
 * Chance comes in through this port. Engine code never calls Math.random:
 * a seeded Random makes tests and the simulator repeatable.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}

/** mulberry32: small, fast, and good enough for simulation rolls. */
export class SeededRandom implements Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** Non-repeatable randomness for the real app. */
export class SystemRandom implements Random {
  next(): number {
    return Math.random();
  }
}

export function randInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random.next() * (max - min + 1));
}

export function randRange(random: Random, min: number, max: number): number {
  return min + random.next() * (max - min);
}

export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(random.next() * items.length)] as T;
}

export function shuffle<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Picks an index with probability proportional to its (non-negative) weight. */
export function weightedIndex(random: Random, weights: readonly number[]): number {
  const clean = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  const total = clean.reduce((a, b) => a + b, 0);
  if (total <= 0) return -1;
  let roll = random.next() * total;
  for (let i = 0; i < clean.length; i++) {
    roll -= clean[i] as number;
    if (roll < 0) return i;
  }
  return clean.length - 1;
}

/** FNV-1a, 32 bits, unsigned: a stable hash of a string (lock keys, stream seeds). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
