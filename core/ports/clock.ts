/**
 * Time comes in through this port. Engine code never reads the wall clock or
 * schedules on the global timers directly: it asks its Clock. Tests and the
 * simulator use FakeClock, advanced by hand.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** A monotonic reading in milliseconds, for measuring durations. */
  perf(): number;
  /** Resolves after `ms`; rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs `fn` after `ms`. Returns a cancel function. */
  setTimer(ms: number, fn: () => unknown): () => void;
}

export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

export function abortError(): Error {
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const cancel = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    const onAbort = (): void => {
      cancel();
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The real clock, backed by the process's timers. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  perf(): number {
    return performance.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
  setTimer(ms: number, fn: () => unknown): () => void {
    const handle = setTimeout(() => void fn(), Math.max(0, ms));
    return () => clearTimeout(handle);
  }
}

interface FakeTimer {
  id: number;
  at: number;
  fn: () => unknown;
}

/**
 * A clock that only moves when told to. `advance` fires due timers in time
 * order (ties in creation order) and awaits each callback's promise before
 * moving on, so async jobs driven by timers complete deterministically.
 */
export class FakeClock implements Clock {
  private current: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;
  private readonly settle: () => Promise<void>;

  /**
   * `settle` runs after every fired timer, before time moves on. The default
   * lets promise chains settle; the simulator passes one that waits for a
   * macrotask turn, so everything a timer set off (database work included)
   * has finished before the next timer fires — one thing at a time, always
   * in the same order.
   */
  constructor(start: number | string = Date.UTC(2026, 0, 1, 0, 0, 0), opts: { settle?: () => Promise<void> } = {}) {
    this.current = typeof start === 'string' ? Date.parse(start) : start;
    this.settle = opts.settle ?? (() => flushMicrotasks());
  }

  now(): number {
    return this.current;
  }
  perf(): number {
    return this.current;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
  setTimer(ms: number, fn: () => unknown): () => void {
    const timer: FakeTimer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Number of timers waiting to fire. */
  pending(): number {
    return this.timers.length;
  }

  /** When the next timer fires, or null. */
  nextAt(): number | null {
    let best: number | null = null;
    for (const t of this.timers) if (best === null || t.at < best) best = t.at;
    return best;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    for (;;) {
      const due = this.takeNextDue(target);
      if (!due) break;
      this.current = Math.max(this.current, due.at);
      await due.fn();
      await this.settle();
    }
    this.current = Math.max(this.current, target);
  }

  private takeNextDue(target: number): FakeTimer | null {
    let best: FakeTimer | null = null;
    for (const t of this.timers) {
      if (t.at > target) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    }
    if (best) this.timers = this.timers.filter((t) => t !== best);
    return best;
  }
}

export async function flushMicrotasks(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Waits until the event loop has gone round `turns` times: every pending promise chain has run. */
export async function macrotaskTurns(turns = 2): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}
