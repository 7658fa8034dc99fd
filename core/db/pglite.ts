import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import type { Db, QueryResult, Tx } from './db.js';
import { OID, parseInt8, parseNumeric, parseTimestamptz } from './types.js';
import { acquireDirLock, lockPathFor, type DirLock } from './dir-lock.js';

export interface PgliteOptions {
  /** A folder on disk; omit (or pass 'memory://') for an in-memory database. */
  dataDir?: string;
  /** Start from a dump made by dumpDataDir() (a migrated template, an imported backup). */
  loadDataDir?: Blob;
}

const parsers = {
  [OID.int8]: parseInt8,
  [OID.numeric]: parseNumeric,
  [OID.timestamptz]: parseTimestamptz,
};

function wrapTx(tx: Transaction, after: (() => void)[]): Tx {
  return {
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      const res = await tx.query<T>(sql, params ? [...params] : undefined);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await tx.exec(sql);
    },
    afterCommit(fn: () => void): void {
      after.push(fn);
    },
  };
}

/** The embedded database: PGlite in a folder, or in memory. One process per folder. */
export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  private readonly locks = new Set<string>();

  private constructor(
    private readonly pg: PGlite,
    private readonly lock: DirLock | null,
    /** The folder on disk, or null in memory. */
    readonly dataDir: string | null,
  ) {}

  /**
   * Opens (or creates) the database. A folder is locked first (a sibling
   * <folder>.lock), so a second process is refused before PGlite touches it.
   */
  static async open(opts: PgliteOptions = {}): Promise<PgliteDb> {
    const dir = opts.dataDir && opts.dataDir !== 'memory://' ? opts.dataDir : null;
    const lock = dir ? acquireDirLock(lockPathFor(dir), new Date().toISOString()) : null;
    try {
      const pg = new PGlite(dir ?? 'memory://', {
        parsers,
        ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      });
      await pg.waitReady;
      await pg.exec("SET TIME ZONE 'UTC'");
      return new PgliteDb(pg, lock, dir);
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  /** The underlying PGlite instance, for export/import tooling. */
  get raw(): PGlite {
    return this.pg;
  }

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const res = await this.pg.query<T>(sql, params ? [...params] : undefined);
    return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const after: (() => void)[] = [];
    const value = await this.pg.transaction((tx) => fn(wrapTx(tx, after)));
    for (const cb of after) cb();
    return value;
  }

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }> {
    // One process owns a PGlite folder, so an in-process lock excludes everyone.
    if (this.locks.has(name)) return { acquired: false };
    this.locks.add(name);
    try {
      return { acquired: true, value: await fn() };
    } finally {
      this.locks.delete(name);
    }
  }

  async close(): Promise<void> {
    try {
      if (!this.pg.closed) await this.pg.close();
    } finally {
      this.lock?.release();
    }
  }
}

export { types as pgliteTypes };
