import { SystemClock } from '../../core/ports/clock.js';

/**
 * The real clock, moved to a chosen instant: time flows and timers fire as
 * usual, but `now()` starts at `start`. End-to-end runs use it so that what
 * the engine does (the conversation schedule, "today") never depends on the
 * hour the test happens to run at.
 */
export class ShiftedClock extends SystemClock {
  private readonly offset: number;

  constructor(start: number | string) {
    super();
    const at = typeof start === 'string' ? Date.parse(start) : start;
    if (!Number.isFinite(at)) throw new Error(`ShiftedClock: not a time: ${String(start)}`);
    this.offset = at - Date.now();
  }

  override now(): number {
    return Date.now() + this.offset;
  }
}
