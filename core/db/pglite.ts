import { realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import type { Db, QueryResult, Tx } from './db.js';
import { MessageWriter, readReplies, tagCount, PgWireError, type Field, type Reply } from './pglite-wire.js';
import { OID, parseInt8, parseNumeric, parseTimestamptz } from './types.js';
import { acquireDirLock, lockPathFor, type DirLock } from './dir-lock.js';
import { dropEmptyCluster, INITDB_ARGS, isNewCluster, makeEmptyClusterApart, readEmptyCluster, writeEmptyCluster } from './empty-cluster.js';
import { ReadCache } from './read-cache.js';
import { isoNow, SystemClock, type Clock } from '../ports/clock.js';

const systemClock = new SystemClock();

export interface PgliteOptions {
  /** A folder on disk; omit (or pass 'memory://') for an in-memory database. */
  dataDir?: string;
  /** Start from a dump made by dumpDataDir() (a migrated template, an imported backup). */
  loadDataDir?: Blob;
  /**
   * A folder for the empty-cluster tarball (see empty-cluster.ts): a new database loads it
   * instead of running initdb, and the first one made here writes it.
   */
  clusterCacheDir?: string;
  /** The engine's clock: the lock file says since when this process holds the folder. The system clock if not given. */
  clock?: Clock;
}

/** How PGlite reads our types (int8 and numeric as numbers, timestamptz as ISO strings); a PGlite given to adopt() must be made with them. */
export const pgliteParsers = {
  [OID.int8]: parseInt8,
  [OID.numeric]: parseNumeric,
  [OID.timestamptz]: parseTimestamptz,
};

/**
 * Postgres settings for an in-memory database, beyond PGlite's own. Its pages already live in
 * memory (PGlite's memory file system), so the default 128 MB buffer pool would hold many of
 * them twice: 16 MB. Nothing in memory outlives the process, so there is nothing for
 * full-page images or replication-grade WAL to protect: minimal WAL, none of it kept for reuse,
 * and a checkpoint every few MB. Postgres refuses to start when max_wal_size is under two WAL
 * segments, so 4 MB only for a cluster known to have 1 MB segments (ours: INITDB_ARGS); 32 MB for
 * one loaded from a dump, which may be older (16 MB segments).
 * A 30-day simulation peaks ~150 MB lower with these; the time is the same.
 */
const IN_MEMORY_SETTINGS = ['shared_buffers=16MB', 'full_page_writes=off', 'wal_level=minimal', 'max_wal_senders=0', 'wal_recycle=off'];

/**
 * In a folder the pages are on disk (the OS caches them outside the process), and the buffer
 * pool is what the process holds: 64 MB instead of 128. Over a 1M-event company the feed's
 * pages and a text search take the same time (0.42 / 2.07 ms, against 0.45 / 2.03) for ~70 MiB
 * less; at 32 MB the search slows by half.
 */
const FOLDER_SETTINGS = ['shared_buffers=64MB'];

/** How PGlite starts Postgres for a database in memory or in a folder, and how it runs initdb for a new one. */
export function pgliteStartOptions(inMemory: boolean, walSegments: 'small' | 'unknown' = 'unknown'): { startParams: string[]; initDbStartParams: string[] } {
  const settings = inMemory ? [...IN_MEMORY_SETTINGS, `max_wal_size=${walSegments === 'small' ? 4 : 32}MB`] : FOLDER_SETTINGS;
  return { initDbStartParams: INITDB_ARGS, startParams: [...PGlite.defaultStartParams, ...settings.flatMap((x) => ['-c', x])] };
}

type Parser = (text: string, oid: number) => unknown;
type Serializer = (value: unknown) => string;

/** A described statement: how to write its parameters and read its rows (looked up once, not per run). */
interface Prepared {
  name: string;
  serializers: (Serializer | undefined)[];
  fields: Field[];
  parsers: (Parser | undefined)[];
}

/** Statements that change the schema: run unprepared, and forget every prepared statement after them. */
const DDL = /^\s*(create|alter|drop|truncate|comment|grant|revoke|reindex|cluster|vacuum|deallocate|discard)\b/i;
/** Longer texts (bulk statements built with their values) are not worth a prepared statement. */
const MAX_PREPARED_SQL = 16_384;
/** Prepared statements kept; the least recently used is closed beyond this. */
const MAX_PREPARED = 1_000;

/** `dir` with its symbolic links resolved, when it exists. */
function realFolder(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function withQuery(err: PgWireError, sql: string, params: readonly unknown[] | undefined): PgWireError {
  err.query = sql;
  err.params = params;
  return err;
}

/** The embedded database: PGlite in a folder, or in memory. One process per folder. */
export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  private readonly locks = new Set<string>();

  private readonly statements = new Map<string, Prepared>();
  /** Repeated reads answered from memory while their tables are unchanged (see readThrough). */
  private readonly reads = new ReadCache();
  /** In a transaction: the tables it has written so far ('all': cannot tell); null outside one. */
  private txWrites: Set<string> | 'all' | null = null;
  private nextStatement = 1;
  /** Statements to close with the next call (evicted from the cache). */
  private toClose: string[] = [];
  private readonly writer = new MessageWriter();
  /** One caller at a time: a transaction holds the database until it ends. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Set by close(): later calls fail as on a closed database, also when the PGlite itself stays open for its owner. */
  private closed = false;

  private constructor(
    private readonly pg: PGlite,
    private readonly lock: DirLock | null,
    /** The folder on disk, or null in memory. */
    readonly dataDir: string | null,
    /** For an adopted PGlite: what close() does with it instead of closing it. */
    private readonly release: ((pg: PGlite) => Promise<void>) | null = null,
  ) {}

  /**
   * An in-memory PGlite someone else owns and reuses (the tests' pool of migrated databases): the
   * database works as one PgliteDb.open() gave, and close() waits for its callers, then hands the
   * PGlite to `release` instead of closing it.
   */
  static async adopt(pg: PGlite, release: (pg: PGlite) => Promise<void>): Promise<PgliteDb> {
    if (pg.parsers[OID.timestamptz] !== parseTimestamptz) throw new Error('A PGlite to adopt must be made with pgliteParsers.');
    await pg.exec("SET TIME ZONE 'UTC'");
    return new PgliteDb(pg, null, null, release);
  }

  /**
   * Opens (or creates) the database. A folder is locked first (a sibling
   * <folder>.lock), so a second process is refused before PGlite touches it.
   */
  static async open(opts: PgliteOptions = {}): Promise<PgliteDb> {
    // PGlite cannot mount a folder through a symbolic link (a data folder whose db/ lives on another
    // disk): it is opened, and locked, where it really is
    const dir = opts.dataDir && opts.dataDir !== 'memory://' ? realFolder(opts.dataDir) : null;
    const lock = dir ? acquireDirLock(lockPathFor(dir), isoNow(opts.clock ?? systemClock)) : null;
    try {
      // a new cluster (initdb here, or the cached empty one) is ours, with 1 MB WAL segments; a dump given to load may not be
      const fresh = !opts.loadDataDir && isNewCluster(dir);
      const start = async (loadDataDir: Blob | undefined): Promise<PGlite> => {
        const pg = new PGlite(dir ?? 'memory://', { parsers: pgliteParsers, ...pgliteStartOptions(!dir, fresh ? 'small' : 'unknown'), ...(loadDataDir ? { loadDataDir } : {}) });
        await pg.waitReady;
        return pg;
      };
      const cacheDir = fresh && opts.clusterCacheDir ? opts.clusterCacheDir : null;
      let pg: PGlite | null = null;
      if (!cacheDir) pg = await start(opts.loadDataDir);
      else {
        let cached = await readEmptyCluster(cacheDir);
        if (!cached && (await makeEmptyClusterApart(cacheDir))) cached = await readEmptyCluster(cacheDir);
        if (cached) {
          pg = await start(cached).catch(async () => {
            // a cached cluster that does not load is dropped; the folder was missing or empty before
            await dropEmptyCluster(cacheDir);
            if (dir) await rm(dir, { recursive: true, force: true });
            return null;
          });
        }
        if (!pg) {
          // no child could make it: initdb here, and keep what it made for the next new database
          pg = await start(undefined);
          await writeEmptyCluster(cacheDir, await pg.dumpDataDir('none')).catch(() => {});
        }
      }
      await pg.exec("SET TIME ZONE 'UTC'");
      return new PgliteDb(pg, lock, dir);
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  /** A physical copy of the database folder (PGlite's tarball), taken while nothing else runs. */
  async dumpDataDir(compression: 'none' | 'gzip' | 'auto' = 'none'): Promise<File | Blob> {
    return this.exclusive(() => this.pg.dumpDataDir(compression));
  }

  /** Runs `fn` once every earlier caller is done (the database runs one statement stream at a time). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** One call into the database: the messages, then the replies. */
  private async call(w: MessageWriter): Promise<Reply> {
    if (this.closed || this.pg.closed) throw new Error('The database is closed.');
    // In Node both of PGlite's file systems (memory, a folder) write through, so there is
    // nothing to sync after a statement (their syncToFs does nothing).
    // The raw stream hands the replies to us as they are written; PGlite's default
    // collector would also parse each one and keep it in a list that only its own calls empty.
    const chunks: Uint8Array[] = [];
    await this.pg.execProtocolRawStream(w.take(), { syncToFs: false, onRawData: (chunk) => void chunks.push(chunk.slice()) });
    return readReplies(chunks.length === 1 ? chunks[0]! : concat(chunks));
  }

  private async prepare(sql: string): Promise<Prepared> {
    const name = `emt_${this.nextStatement++}`;
    const r = await this.call(this.flushCloses(this.writer).parse(name, sql).describeStatement(name).sync());
    if (r.error) throw withQuery(r.error, sql, undefined);
    const p = this.described(name, r);
    this.statements.set(sql, p);
    if (this.statements.size > MAX_PREPARED) {
      const oldest = this.statements.keys().next().value as string;
      this.toClose.push(this.statements.get(oldest)!.name);
      this.statements.delete(oldest);
    }
    return p;
  }

  private described(name: string, r: Reply): Prepared {
    const fields = r.fields ?? [];
    return {
      name,
      serializers: (r.paramOids ?? []).map((oid) => this.pg.serializers[oid] as Serializer | undefined),
      fields,
      parsers: fields.map((f) => this.pg.parsers[f.oid] as Parser | undefined),
    };
  }

  private forgetStatements(): void {
    for (const p of this.statements.values()) this.toClose.push(p.name);
    this.statements.clear();
  }

  /** Runs one statement: prepared once per text, then one call per run. */
  private async run<T>(sql: string, params: readonly unknown[] | undefined): Promise<QueryResult<T>> {
    this.noteWrites(sql);
    const ddl = DDL.test(sql);
    if (ddl || sql.length > MAX_PREPARED_SQL) return this.runUnnamed<T>(sql, params, ddl);
    let p = this.statements.get(sql);
    if (p) {
      // most recently used last
      this.statements.delete(sql);
      this.statements.set(sql, p);
    } else p = await this.prepare(sql);
    try {
      return await this.execute<T>(p, sql, params);
    } catch (err) {
      // the tables under a prepared statement changed its result's shape: prepare it again (outside a transaction only; inside, the error has ended it)
      if (!(err instanceof PgWireError) || err.code !== '0A000' || this.pg.isInTransaction()) throw err;
      this.statements.delete(sql);
      this.toClose.push(p.name);
      return this.execute<T>(await this.prepare(sql), sql, params);
    }
  }

  private async runUnnamed<T>(sql: string, params: readonly unknown[] | undefined, ddl: boolean): Promise<QueryResult<T>> {
    const d = await this.call(this.flushCloses(this.writer).parse('', sql).describeStatement('').sync());
    if (d.error) throw withQuery(d.error, sql, params);
    const result = await this.execute<T>(this.described('', d), sql, params);
    if (ddl) this.forgetStatements();
    return result;
  }

  private async execute<T>(p: Prepared, sql: string, params: readonly unknown[] | undefined): Promise<QueryResult<T>> {
    const values = (params ?? []).map((v, i) => {
      if (v === null || v === undefined) return null;
      const serialize = p.serializers[i];
      return serialize ? serialize(v) : String(v);
    });
    const r = await this.call(this.writer.bind(p.name, values).execute().sync());
    if (r.error) throw withQuery(r.error, sql, params);
    const { fields, parsers } = p;
    const rows = r.rows.map((raw) => {
      const row: Record<string, unknown> = {};
      for (let k = 0; k < fields.length; k++) {
        const v = raw[k] ?? null;
        const parse = parsers[k];
        row[fields[k]!.name] = v === null ? null : parse ? parse(v, fields[k]!.oid) : v;
      }
      return row as T;
    });
    // as node-postgres counts: rows affected by INSERT/UPDATE/DELETE, rows returned by SELECT
    return { rows, rowCount: tagCount(r.tags) };
  }

  /** Writes the Close messages of evicted statements ahead of the next call's own messages. */
  private flushCloses(w: MessageWriter): MessageWriter {
    if (this.toClose.length) {
      for (const old of this.toClose.splice(0)) w.closeStatement(old);
      w.sync();
    }
    return w;
  }

  private async simple(sql: string): Promise<void> {
    this.noteWrites(sql);
    const r = await this.call(this.flushCloses(this.writer).query(sql));
    if (r.error) throw withQuery(r.error, sql, undefined);
    if (/\b(create|alter|drop|deallocate|discard)\b/i.test(sql)) this.forgetStatements();
  }

  /** Before each statement: the read cache bumps what it may write, and an open transaction remembers it. */
  private noteWrites(sql: string): void {
    const w = this.reads.noteStatement(sql);
    if (this.txWrites === null || this.txWrites === 'all') return;
    if (w === 'all') this.txWrites = 'all';
    else for (const t of w) this.txWrites.add(t);
  }

  /** A cached read (see cachedRead); inside a transaction, only while it has written none of `tables`. */
  private async readCached<T>(sql: string, params: readonly unknown[] | undefined, tables: readonly string[]): Promise<QueryResult<T>> {
    const w = this.txWrites;
    if (w === 'all' || (w && tables.some((t) => w.has(t)))) return this.run<T>(sql, params);
    const hit = this.reads.get<T>(sql, params, tables);
    if (hit) return hit;
    const stamp = this.reads.stamp(tables);
    const result = await this.run<T>(sql, params);
    this.reads.put(sql, params, stamp, result);
    return result;
  }

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    return this.exclusive(() => this.run<T>(sql, params));
  }

  async exec(sql: string): Promise<void> {
    return this.exclusive(() => this.simple(sql));
  }

  /**
   * A read whose rows depend only on `tables`: answered from memory while no statement has
   * written any of them since the same read (this process owns the database, and every
   * statement passes through here). See readThrough in db.ts.
   */
  async cachedRead<T>(sql: string, params: readonly unknown[] | undefined, tables: readonly string[]): Promise<QueryResult<T>> {
    return this.exclusive(() => this.readCached<T>(sql, params, tables));
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const after: (() => void)[] = [];
    const value = await this.exclusive(async () => {
      await this.simple('BEGIN');
      this.txWrites = new Set();
      let open = true;
      const check = (): void => {
        if (!open) throw new Error('The transaction has already ended.');
      };
      const tx: Tx = {
        query: <R>(sql: string, params?: readonly unknown[]) => {
          check();
          return this.run<R>(sql, params);
        },
        exec: (sql: string) => {
          check();
          return this.simple(sql);
        },
        // While the transaction has written none of the read's tables it sees their committed rows,
        // as a read outside would; once it has, it reads them itself (they may be uncommitted).
        cachedRead: <R>(sql: string, params: readonly unknown[] | undefined, tables: readonly string[]) => {
          check();
          return this.readCached<R>(sql, params, tables);
        },
        afterCommit(cb: () => void): void {
          after.push(cb);
        },
      };
      try {
        const v = await fn(tx);
        open = false;
        await this.simple('COMMIT');
        return v;
      } catch (err) {
        open = false;
        await this.simple('ROLLBACK');
        throw err;
      } finally {
        this.txWrites = null;
      }
    });
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
    if (this.release) {
      if (this.closed) return;
      await this.exclusive(async () => {
        this.closed = true;
      });
      return this.release(this.pg);
    }
    this.closed = true;
    try {
      if (!this.pg.closed) await this.pg.close();
    } finally {
      this.lock?.release();
    }
  }
}

export { types as pgliteTypes };
