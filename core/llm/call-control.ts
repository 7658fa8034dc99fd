import type { Clock } from '../ports/clock.js';

export type StopReason = 'aborted' | 'timeout';

/**
 * One outgoing call's abort switch and idle watchdog.
 *
 * `signal` aborts when the caller's signal aborts (reason "aborted") or when
 * the armed timer runs out before the next `arm` (reason "timeout"). Timers go
 * through the Clock port, so FakeClock drives them in tests.
 */
export class CallControl {
  private readonly controller = new AbortController();
  private cancelTimer: (() => void) | null = null;
  private stopReason: StopReason | null = null;
  private timeoutMs = 0;
  private readonly onOuterAbort = (): void => this.stop('aborted');

  constructor(
    private readonly clock: Clock,
    private readonly outer?: AbortSignal,
  ) {
    if (outer?.aborted) this.stop('aborted');
    else outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  /** Aborts with the reason recorded; the first reason wins. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the call was stopped, or null while it runs. */
  get reason(): StopReason | null {
    return this.stopReason;
  }

  /** The length of the last armed wait, for error messages. */
  get lastTimeoutMs(): number {
    return this.timeoutMs;
  }

  /** (Re)starts the watchdog: the call times out unless armed again within `ms`. */
  arm(ms: number): void {
    this.disarm();
    if (this.stopReason) return;
    this.timeoutMs = ms;
    this.cancelTimer = this.clock.setTimer(ms, () => this.stop('timeout'));
  }

  disarm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  /** Stops the call now. */
  stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.disarm();
    this.controller.abort();
  }

  /** Releases the timer and the listener on the caller's signal; aborts any open connection. */
  dispose(): void {
    this.disarm();
    this.outer?.removeEventListener('abort', this.onOuterAbort);
    if (!this.controller.signal.aborted) this.controller.abort();
  }
}

/** A fetch that also gives up when `signal` aborts. */
export function fetchWithSignal(base: typeof fetch, signal: AbortSignal): typeof fetch {
  return (input, init) => {
    const own = init?.signal;
    return base(input, { ...init, signal: own ? AbortSignal.any([own, signal]) : signal });
  };
}
