import type pg from 'pg';
import { isConnectionError } from './connection-errors.js';

/**
 * The one connection a process LISTENs on, for every channel it listens to (a worker: queued
 * steps and cancelled missions), re-opened while the server is away. Between notifications it
 * also runs the short statement a notification asks for (`tryQuery`): that backend has just
 * woken to pass the notification on, and a statement sent on it skips the pool's checkout,
 * release and idle timers — both on the path from a step queued in one process to it starting
 * in another.
 */
export class ListenConnection {
  /** Connected, with every channel registered when it came up LISTENed on it. */
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  /** Channels LISTENed on `client` (or on the connection being opened). */
  private readonly listened = new Set<string>();
  private connecting: Promise<void> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private closed = false;
  /** A statement of tryQuery is under way on `client` (a second meanwhile goes to the pool). */
  private busy = false;

  constructor(private readonly newClient: () => pg.Client) {}

  /**
   * Calls `onPayload` for every NOTIFY on `channel`, from the moment this resolves. With the
   * server away (restarting, not up yet) it resolves at once and listens once the server is
   * back; any other failure is the caller's to hear. Returns a stop function.
   */
  async add(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Bad channel name "${channel}".`);
    if (this.closed) throw new Error('The database connection is closed.');
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(onPayload);
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      const s = this.handlers.get(channel);
      s?.delete(onPayload);
      if (s && s.size === 0) {
        this.handlers.delete(channel);
        const c = this.client;
        if (c && this.listened.delete(channel)) await c.query(`UNLISTEN ${channel}`).catch(() => {});
      }
      if (this.handlers.size === 0) await this.end();
    };
    try {
      await this.up();
    } catch (err) {
      if (!isConnectionError(err)) {
        await stop();
        throw err;
      }
      this.again();
    }
    return stop;
  }

  /**
   * Runs one statement on this connection when it is up and idle; null when it is not (the
   * caller uses the pool). Never for a statement that may wait on a lock: notifications to this
   * process wait behind it.
   */
  async tryQuery(config: pg.QueryConfig): Promise<pg.QueryResult | null> {
    const c = this.client;
    if (!c || this.busy) return null;
    this.busy = true;
    try {
      return await c.query(config);
    } finally {
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    await this.end();
  }

  /** Connected and LISTENing on every channel registered so far. */
  private async up(): Promise<void> {
    while (!this.client) {
      if (this.closed) return;
      await (this.connecting ??= this.connect().finally(() => (this.connecting = null)));
    }
    await this.listenAll(this.client);
  }

  private async connect(): Promise<void> {
    this.listened.clear(); // of the connection before, if any
    const c = this.newClient();
    let lost = false;
    let wasUp = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      if (this.client === c) {
        this.client = null;
        this.listened.clear();
      }
      void c.end().catch(() => {});
      if (wasUp) this.again(); // while connecting, the rejection below schedules the next try
    };
    c.on('error', onLost);
    c.on('end', onLost);
    c.on('notification', (n) => {
      for (const fn of this.handlers.get(n.channel) ?? []) fn(n.payload ?? '');
    });
    try {
      await c.connect();
      if (!lost) await this.listenAll(c);
    } catch (err) {
      lost = true;
      void c.end().catch(() => {});
      throw err;
    }
    if (this.closed || lost) {
      lost = true;
      await c.end().catch(() => {});
      if (!this.closed) throw new Error('The LISTEN connection closed as it opened.');
      return;
    }
    wasUp = true;
    this.failures = 0;
    this.client = c;
  }

  /** LISTENs on `c` for the channels `listened` lacks, in one round trip. */
  private async listenAll(c: pg.Client): Promise<void> {
    const missing = [...this.handlers.keys()].filter((ch) => !this.listened.has(ch));
    if (!missing.length) return;
    await c.query(missing.map((ch) => `LISTEN ${ch};`).join(' '));
    for (const ch of missing) this.listened.add(ch);
  }

  /**
   * A dropped connection (the server restarted) is re-opened until it comes back, after 250 ms
   * doubling to 5 s; polling covers the gap. A failed reconnect schedules the next.
   */
  private again(): void {
    if (this.closed || this.retry || this.client || this.handlers.size === 0) return;
    const delay = Math.min(250 * 2 ** this.failures, 5000);
    this.failures++;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.up().catch(() => this.again());
    }, delay);
    this.retry.unref?.();
  }

  private async end(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const c = this.client;
    this.client = null;
    this.listened.clear();
    await c?.end().catch(() => {});
  }
}
