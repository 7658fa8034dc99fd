import type { QueryResult } from './db.js';

/**
 * Answers a repeated read from memory while none of its tables was written.
 *
 * Only for a database one process owns and every statement of which passes
 * through one adapter (PGlite): the adapter tells the cache of each statement
 * before it runs, and the cache bumps the version of every table the
 * statement may write. A statement whose writes cannot be named from its text
 * (DELETE, with its cascades; TRUNCATE; DDL; COPY; several statements at once)
 * bumps every table. A statement that fails or is rolled back has bumped them
 * too: the cache may miss, never answer stale.
 *
 * A cached result is frozen, rows and all, and every reader gets the same one:
 * a copy per read cost more than the read it saved (a rule list: ~60 µs), and a
 * reader that tries to change a row it did not make fails loudly instead of
 * changing what the next reader sees.
 *
 * Most heartbeats find nothing to do; the checks that find it (the rule list,
 * the routines, the reaction queue, today's schedule) read tables that did not
 * change since the heartbeat before.
 */
export class ReadCache {
  /** Bumped by a statement whose writes cannot be named. */
  private epoch = 0;
  private readonly versions = new Map<string, number>();
  /** What each statement text writes ('all': cannot tell), worked out once per text. */
  private readonly writesOf = new Map<string, readonly string[] | 'all'>();
  private readonly entries = new Map<string, { stamp: string; result: QueryResult<unknown> }>();

  constructor(private readonly maxEntries = 256) {}

  /** Called before each statement runs; returns what it may write. */
  noteStatement(sql: string): readonly string[] | 'all' {
    let w = this.writesOf.get(sql);
    if (w === undefined) {
      w = tablesWritten(sql);
      if (this.writesOf.size > 4096) this.writesOf.clear();
      this.writesOf.set(sql, w);
    }
    if (w === 'all') this.epoch++;
    else for (const t of w) this.versions.set(t, (this.versions.get(t) ?? 0) + 1);
    return w;
  }

  /** The versions of `tables` now: a result read now is good while they stay the same. */
  stamp(tables: readonly string[]): string {
    let s = String(this.epoch);
    for (const t of tables) s += `:${this.versions.get(t) ?? 0}`;
    return s;
  }

  get<T>(sql: string, params: readonly unknown[] | undefined, tables: readonly string[]): QueryResult<T> | null {
    const key = keyOf(sql, params);
    const e = this.entries.get(key);
    if (!e) return null;
    if (e.stamp !== this.stamp(tables)) {
      this.entries.delete(key);
      return null;
    }
    // most recently used last
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.result as QueryResult<T>;
  }

  put(sql: string, params: readonly unknown[] | undefined, stamp: string, result: QueryResult<unknown>): void {
    const key = keyOf(sql, params);
    this.entries.delete(key);
    this.entries.set(key, { stamp, result: deepFreeze(result) });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** Freezes `value` and everything reachable from it (query results: plain rows, arrays, JSON). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

const keyOf = (sql: string, params: readonly unknown[] | undefined): string => (params?.length ? `${sql}\u0000${JSON.stringify(params)}` : sql);

/** Statements that write nothing: reads, and the session and transaction controls. */
const READ = /^\s*(select|with|show|set|reset|begin|start|commit|rollback|savepoint|release|discard|deallocate|explain|values|listen|unlisten|notify)\b/i;
/** Writes whose every target cannot be named from the text (cascades, many tables, schema changes). */
const UNNAMED = /\b(delete|truncate|copy|create|alter|drop|comment|grant|revoke|reindex|vacuum|cluster|refresh|merge|call|lock|import)\b/i;
const TARGET = /\b(?:insert\s+into|update)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

/** The tables `sql` may write, or 'all' when that cannot be told from its text. */
export function tablesWritten(sql: string): readonly string[] | 'all' {
  const body = sql.replace(/--[^\n]*/g, ' ');
  if (body.includes(';') && body.trim().replace(/;\s*$/, '').includes(';')) return 'all';
  if (UNNAMED.test(body)) return 'all';
  const targets = [...body.matchAll(TARGET)].map((m) => m[1]!.toLowerCase());
  if (targets.length) return targets;
  return READ.test(body) ? [] : 'all';
}
