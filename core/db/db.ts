import { fnv1a } from '../ports/random.js';

/**
 * The Db port: the engine's only way to the database. Two adapters implement
 * it (PGlite, node-postgres); the engine's SQL is the same for both.
 *
 * Value conventions, identical on both adapters:
 * - int8 / numeric come back as JS numbers;
 * - timestamptz comes back as an ISO-8601 string in UTC;
 * - json/jsonb come back parsed.
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Runs several statements without parameters (DDL, migrations). */
  exec(sql: string): Promise<void>;
  /** Present where repeated reads can be answered from memory (PGlite); call it through readThrough. */
  cachedRead?<T>(sql: string, params: readonly unknown[] | undefined, tables: readonly string[]): Promise<QueryResult<T>>;
}

export interface Tx extends Queryable {
  /** Runs after the transaction commits; never if it rolls back. */
  afterCommit(fn: () => void): void;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` while holding a named lock that excludes every other holder of
   * the same name, across processes on PostgreSQL (advisory lock). Returns
   * `{ acquired: false }` at once when someone else holds it.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }>;
  close(): Promise<void>;
  /**
   * Listens for NOTIFY on `channel` from any process (PostgreSQL only; absent
   * on PGlite, where one process owns the database). Returns a stop function.
   */
  listen?(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * PostgreSQL: one statement on the connection that LISTENs, when it is up and idle, else on a
   * pooled one — for the claim a NOTIFY has just asked for (that backend is awake, and the
   * pool's checkout stays off the path to the step starting). Never for a statement that may
   * wait on a lock: notifications wait behind it. Absent on PGlite; call it through queryWoken.
   */
  queryOnListener?<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

/** `db.queryOnListener` where there is one, else `db.query`. */
export function queryWoken<T>(db: Db, sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
  return db.queryOnListener ? db.queryOnListener<T>(sql, params) : db.query<T>(sql, params);
}

/** The channel a transaction notifies when it queues a step; the payload is the step kind. */
export const STEP_QUEUED_CHANNEL = 'emt_step_queued';

/** Turns a lock name into the 32-bit key that pg advisory locks take. */
export function lockKey(name: string): number {
  return fnv1a(name) | 0;
}

/** Runs `fn` in a transaction when given a Db, or inside the caller's when given a Tx. */
export async function inTx<T>(q: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if ('transaction' in q) return q.transaction(fn);
  return fn(q);
}

/** Registers `fn` to run after commit when `q` is a transaction, or runs it now. */
export function afterCommit(q: Queryable, fn: () => void): void {
  if ('afterCommit' in q && typeof (q as Tx).afterCommit === 'function') (q as Tx).afterCommit(fn);
  else fn();
}

/**
 * A read whose rows depend only on `tables` (every table it reads, joins included) and its
 * parameters. On PGlite it is answered from memory while none of those tables was written
 * (core/db/read-cache.ts), also inside a transaction that has not written them; on PostgreSQL,
 * where other processes write, it is an ordinary query. Treat the rows as read-only: PGlite's
 * are frozen and shared by every reader of the same result.
 */
export function readThrough<T>(q: Queryable, sql: string, params: readonly unknown[] | undefined, tables: readonly string[]): Promise<QueryResult<T>> {
  return q.cachedRead ? q.cachedRead<T>(sql, params, tables) : q.query<T>(sql, params);
}

/** Whether a table exists (feature areas add tables in later migrations). */
export async function tableExists(q: Queryable, table: string): Promise<boolean> {
  const r = await q.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
  return r.rows[0]?.ok ?? false;
}
