import { createHash } from 'node:crypto';
import type pg from 'pg';
import { lockKey, type Db, type QueryResult, type Tx } from './db.js';
import { ListenConnection } from './pg-listen.js';
import { OID, parseInt8, parseNumeric, parseTimestamptz } from './types.js';

export interface PostgresOptions {
  url: string;
  /** Pool size; defaults to 10. */
  max?: number;
  applicationName?: string;
}

/**
 * node-postgres, loaded on first use: a process on PGlite (the desktop app, serve on a data
 * folder) never pays the ~45 ms its modules take to load at start.
 */
let pgModule: typeof pg | null = null;
async function loadPg(): Promise<typeof pg> {
  return (pgModule ??= (await import('pg')).default);
}
function pgLoaded(): typeof pg {
  if (!pgModule) throw new Error('node-postgres is not loaded: make a PostgresDb with PostgresDb.create() or open().');
  return pgModule;
}

const typeParsers: Record<number, (v: string) => unknown> = {
  [OID.int8]: parseInt8,
  [OID.numeric]: parseNumeric,
  [OID.timestamptz]: parseTimestamptz,
};

const customTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (v: string) => unknown {
    const custom = typeParsers[oid];
    if (custom && (format ?? 'text') === 'text') return custom;
    return pgLoaded().types.getTypeParser(oid, format ?? 'text') as (v: string) => unknown;
  },
};

/** node-postgres's result as the Db port gives it. */
function result<T>(res: pg.QueryResult): QueryResult<T> {
  return { rows: res.rows as T[], rowCount: res.rowCount ?? res.rows.length };
}

const PREPARE_AFTER = 3;
const MAX_PREPARED = 200;

/** A real PostgreSQL server through node-postgres. */
export class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  readonly url: string;

  private constructor(opts: PostgresOptions) {
    this.url = opts.url;
    this.pool = new (pgLoaded().Pool)({
      connectionString: opts.url,
      max: opts.max ?? 10,
      application_name: opts.applicationName ?? 'emtesseract',
      options: '-c TimeZone=UTC',
      types: customTypes,
      keepAlive: true, // a connection to a server that vanished (no FIN) is noticed, not waited on forever
    });
    // An idle client losing its connection must not crash the process.
    this.pool.on('error', () => {});
  }

  /** A pool for the server; nothing is connected until the first query. */
  static async create(opts: PostgresOptions): Promise<PostgresDb> {
    await loadPg();
    return new PostgresDb(opts);
  }

  /** A pool for the server, once a first query has answered. */
  static async open(opts: PostgresOptions): Promise<PostgresDb> {
    const db = await PostgresDb.create(opts);
    await db.query('SELECT 1');
    return db;
  }

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    return this.onPool<T>(this.statement(sql, params));
  }

  private async onPool<T>(config: pg.QueryConfig): Promise<QueryResult<T>> {
    return result<T>(await this.pool.query(config));
  }

  private readonly seen = new Map<string, number>();
  private readonly prepared = new Map<string, string>();

  /**
   * A statement run again and again (a step's claim and completion: thousands a minute
   * on a busy fleet) is prepared on each connection under a name derived from its text,
   * so PostgreSQL parses and plans it once per connection instead of on every call
   * (the planning took as long as the run). Only statements with parameters, seen three
   * times, and at most 200 of them: SQL built with values inside stays unprepared.
   */
  private statement(sql: string, params?: readonly unknown[]): pg.QueryConfig {
    const values = params ? [...params] : undefined;
    if (!values?.length) return { text: sql, values };
    let name = this.prepared.get(sql);
    if (!name && this.prepared.size < MAX_PREPARED) {
      const n = (this.seen.get(sql) ?? 0) + 1;
      if (n >= PREPARE_AFTER) {
        this.seen.delete(sql);
        name = 'emt_' + createHash('sha1').update(sql).digest('hex').slice(0, 24);
        this.prepared.set(sql, name);
      } else {
        if (this.seen.size >= 1000) this.seen.clear();
        this.seen.set(sql, n);
      }
    }
    return name ? { name, text: sql, values } : { text: sql, values };
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  /**
   * Runs `fn` in a transaction. A deadlock or serialization failure is not the
   * caller's fault: the whole transaction is run again (up to 5 tries).
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactionOnce(fn);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if ((code !== '40P01' && code !== '40001') || attempt >= 5) throw err;
        await new Promise((r) => setImmediate(r));
      }
    }
  }

  private async transactionOnce<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const onError = (): void => {}; // a dropped connection surfaces as the query's rejection
    client.on('error', onError);
    const after: (() => void)[] = [];
    const tx: Tx = {
      query: async <R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
        return result<R>(await client.query(this.statement(sql, params)));
      },
      async exec(sql: string): Promise<void> {
        await client.query(sql);
      },
      afterCommit(cb: () => void): void {
        after.push(cb);
      },
    };
    let value: T;
    try {
      await client.query('BEGIN');
      value = await fn(tx);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      client.off('error', onError);
      client.release();
      throw err;
    }
    client.off('error', onError);
    client.release();
    for (const cb of after) cb();
    return value;
  }

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }> {
    const client = await this.pool.connect();
    const onError = (): void => {};
    client.on('error', onError);
    const key = lockKey(name);
    try {
      const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]);
      if (!got.rows[0]?.ok) return { acquired: false };
      try {
        return { acquired: true, value: await fn() };
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {});
      }
    } finally {
      client.off('error', onError);
      client.release();
    }
  }

  /** Made on the first listen(): one connection for every channel (core/db/pg-listen.ts). */
  private listener: ListenConnection | null = null;

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    this.listener ??= new ListenConnection(
      () =>
        new (pgLoaded().Client)({
          connectionString: this.url,
          application_name: 'emtesseract-listen',
          options: '-c TimeZone=UTC',
          types: customTypes,
          keepAlive: true,
        }),
    );
    return this.listener.add(channel, onPayload);
  }

  /**
   * One statement on the connection that LISTENs when it is up and idle, else on a pooled one
   * (see ListenConnection.tryQuery): for the claim a NOTIFY has just asked for. Never for a
   * statement that may wait on a lock.
   */
  async queryOnListener<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const config = this.statement(sql, params);
    const direct = await this.listener?.tryQuery(config);
    return direct ? result<T>(direct) : this.onPool<T>(config);
  }

  async close(): Promise<void> {
    await this.listener?.close();
    await this.pool.end();
  }
}
