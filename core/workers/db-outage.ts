import { isConnectionError } from '../db/connection-errors.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { iso } from '../ops/time.js';

const BASE_MS = 250;
const MAX_MS = 5_000;

/**
 * One process's view of the database being unreachable. The first connection error of an
 * outage is logged once, as a sentence; the loops then back off (250 ms doubling to 5 s)
 * instead of retrying at their poll rate and logging every try. The first round trip that
 * works again ends the outage: one `database_unreachable` event records it (written then,
 * since nothing can be written while the server is away) and one line is logged.
 */
export class DbOutage {
  private since: number | null = null;
  private failures = 0;
  private lastError = '';
  private restoring: Promise<void> | null = null;

  constructor(
    private readonly ctx: EngineCtx,
    private readonly where: string,
  ) {}

  get down(): boolean {
    return this.since !== null;
  }

  /** Records a connection error; returns how long to wait before the next try. */
  lost(err: unknown): number {
    const message = err instanceof Error ? err.message : String(err);
    if (this.since === null) {
      this.since = this.ctx.clock.now();
      this.failures = 0;
      this.ctx.log.warn(
        `Lost the connection to the database (${message}). ${this.where} waits and tries again, every ${MAX_MS / 1000} s at most; running steps are finished or re-claimed when it is back.`,
      );
    }
    this.lastError = message;
    this.failures++;
    return Math.min(BASE_MS * 2 ** (this.failures - 1), MAX_MS);
  }

  /** Called after a round trip that worked: ends an outage, if there was one. */
  async ok(): Promise<void> {
    if (this.since === null) return;
    this.restoring ??= this.restore().finally(() => {
      this.restoring = null;
    });
    await this.restoring;
  }

  private async restore(): Promise<void> {
    const since = this.since;
    if (since === null) return;
    const now = this.ctx.clock.now();
    const seconds = Math.max(0, Math.round((now - since) / 100) / 10);
    const { failures, lastError } = this;
    try {
      await writeEvent(this.ctx, this.ctx.db, {
        kind: 'database_unreachable',
        title: `${this.where} could not reach the database for ${seconds} s`,
        summary: `From ${iso(since)} to ${iso(now)} every call to the database failed (${failures} tries; last error: ${lastError}). The worker waited and carried on; steps it was running were finished or re-claimed through their lease.`,
        tags: ['alert', 'database', 'connection', 'worker'],
        payload: { processId: this.ctx.processId, since: iso(since), until: iso(now), seconds, failures, lastError },
      });
    } catch (err) {
      if (isConnectionError(err)) return void this.lost(err); // not back after all: the outage goes on
      this.ctx.log.warn('Could not record the database outage as an event', { error: err instanceof Error ? err.message : String(err) });
    }
    this.since = null;
    this.failures = 0;
    this.ctx.log.info(`The database answers again after ${seconds} s; ${this.where} carries on.`);
  }
}
