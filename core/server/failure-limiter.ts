import type { Clock } from '../ports/clock.js';

export interface FailureLimiterOptions {
  clock: Clock;
  /** Failed attempts allowed within `windowMs` before the address is locked out (default 10). */
  maxFailures?: number;
  /** The window failures are counted in (default 60 s). */
  windowMs?: number;
  /** How long a locked-out address waits (default 60 s). */
  lockMs?: number;
  /** Addresses remembered at most; the oldest are forgotten first (default 10,000). */
  maxTracked?: number;
}

interface Entry {
  windowStart: number;
  failures: number;
  lockedUntil: number;
}

/**
 * Counts failed attempts (a wrong or missing token) per remote address on the
 * injected clock. After `maxFailures` within `windowMs` the address is locked
 * out for `lockMs`: every request from it is answered 429 with Retry-After,
 * right token or not, so a token cannot be guessed by brute force.
 */
export class FailureLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly lockMs: number;
  private readonly maxTracked: number;

  constructor(opts: FailureLimiterOptions) {
    this.clock = opts.clock;
    this.maxFailures = opts.maxFailures ?? 10;
    this.windowMs = opts.windowMs ?? 60_000;
    this.lockMs = opts.lockMs ?? 60_000;
    this.maxTracked = opts.maxTracked ?? 10_000;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.lockedUntil - this.clock.now());
  }

  /** Records a failed attempt; returns the lock-out in ms it caused (0 when none yet). */
  fail(key: string): number {
    const now = this.clock.now();
    let e = this.entries.get(key);
    if (!e || now - e.windowStart >= this.windowMs) {
      e = { windowStart: now, failures: 0, lockedUntil: e?.lockedUntil ?? 0 };
    }
    e.failures++;
    if (e.failures >= this.maxFailures) {
      e.lockedUntil = now + this.lockMs;
      e.failures = 0;
      e.windowStart = now;
    }
    this.entries.delete(key); // re-insert: the map's order is least recently failed first
    this.entries.set(key, e);
    while (this.entries.size > this.maxTracked) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return Math.max(0, e.lockedUntil - now);
  }

  /** A successful attempt forgets the address's failures (not a running lock-out). */
  succeed(key: string): void {
    const e = this.entries.get(key);
    if (e && e.lockedUntil <= this.clock.now()) this.entries.delete(key);
  }

  /** How many addresses are remembered. */
  get size(): number {
    return this.entries.size;
  }
}
