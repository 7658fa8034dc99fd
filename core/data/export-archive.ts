import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ArchiveManifest } from '../api/data-calls.js';
import type { Db, Queryable } from '../db/db.js';
import type { Migration } from '../db/migrate.js';
import { canonicalRow, FORMAT, FORMAT_VERSION, manifestFrom, type HeaderLine, type RowValues } from './archive-format.js';
import { ident, readSchema, schemaVersion, type TableInfo } from './schema-info.js';

export interface ArchiveProgress {
  table: string;
  /** Rows of `table` done, of its total. */
  rowsDone: number;
  rowsTotal: number;
  /** Rows of the whole archive done, of its total (known from the counts taken before the first row). */
  allDone: number;
  allTotal: number;
}

export interface ExportOptions {
  /** Where the archive goes; written beside it as <file>.partial and renamed when complete. */
  file: string;
  appVersion: string;
  /** This build's migrations: the archive carries the tables they create, and no other table of the schema. */
  migrations: readonly Migration[];
  /** The archive's createdAt (from the Clock). */
  now: string;
  reason?: HeaderLine['reason'];
  pageSize?: number;
  onProgress?: (p: ArchiveProgress) => void;
}

export interface ExportOutcome {
  manifest: ArchiveManifest;
  bytes: number;
}

/** The rows of one table, in primary-key order, as canonical text values; `after` is the last key seen. */
export function pageSql(t: TableInfo, withCursor: boolean, limit: number): string {
  const values = t.columns.map((c) => `${ident(c.name)}::text`).join(', ');
  const order = t.primaryKey.map(ident).join(', ');
  const types = t.primaryKey.map((k) => t.columns.find((c) => c.name === k)?.type ?? 'text');
  const where = withCursor ? ` WHERE (${order}) > (${types.map((ty, i) => `$${i + 1}::${ty}`).join(', ')})` : '';
  return `SELECT to_json(ARRAY[${values}]::text[]) AS r FROM ${ident(t.name)}${where} ORDER BY ${order} LIMIT ${limit}`;
}

/** Reads every row of `t` in keyset pages, so memory stays at one page whatever the table's size. */
export async function* tableRows(q: Queryable, t: TableInfo, pageSize = 2000): AsyncGenerator<RowValues[]> {
  const keyAt = t.primaryKey.map((k) => t.columns.findIndex((c) => c.name === k));
  let cursor: (string | null)[] | null = null;
  for (;;) {
    const res: { rows: { r: RowValues }[] } = await q.query<{ r: RowValues }>(pageSql(t, cursor !== null, pageSize), cursor ?? []);
    const rows = res.rows.map((x) => x.r);
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1] as RowValues;
    cursor = keyAt.map((i) => last[i] ?? null);
  }
}

/** sha256 over a table's canonical rows, read straight from the database. */
export async function tableChecksum(q: Queryable, t: TableInfo): Promise<{ rows: number; sha256: string }> {
  const h = createHash('sha256');
  let rows = 0;
  for await (const page of tableRows(q, t)) {
    for (const r of page) h.update(canonicalRow(r) + '\n');
    rows += page.length;
  }
  return { rows, sha256: h.digest('hex') };
}

/**
 * Writes the whole database to one archive, from one consistent snapshot
 * (a REPEATABLE READ transaction: on PostgreSQL other processes keep working;
 * PGlite serializes, so the engine waits while the snapshot is read).
 */
export async function exportArchive(db: Db, opts: ExportOptions): Promise<ExportOutcome> {
  const partial = `${opts.file}.partial`;
  try {
    const manifest = await db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const schema = await readSchema(tx, opts.migrations);
      const counts: { name: string; rows: number }[] = [];
      for (const t of schema.tables) {
        const r = await tx.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${ident(t.name)}`);
        counts.push({ name: t.name, rows: Number(r.rows[0]?.n ?? 0) });
      }
      const header: HeaderLine = {
        format: FORMAT,
        formatVersion: FORMAT_VERSION,
        appVersion: opts.appVersion,
        schemaVersion: await schemaVersion(tx),
        createdAt: opts.now,
        source: db.kind,
        ...(opts.reason ? { reason: opts.reason } : {}),
        tables: counts,
      };
      const ends: { name: string; rows: number; sha256: string }[] = [];
      const allTotal = counts.reduce((n, c) => n + c.rows, 0);
      let allDone = 0;
      async function* lines(): AsyncGenerator<Buffer> {
        yield Buffer.from(JSON.stringify(header) + '\n');
        for (const [i, t] of schema.tables.entries()) {
          yield Buffer.from(JSON.stringify({ table: t.name, columns: t.columns.map((c) => c.name), types: t.columns.map((c) => c.type) }) + '\n');
          const h = createHash('sha256');
          let done = 0;
          const total = counts[i]?.rows ?? 0;
          opts.onProgress?.({ table: t.name, rowsDone: 0, rowsTotal: total, allDone, allTotal });
          for await (const page of tableRows(tx, t, opts.pageSize)) {
            let chunk = '';
            for (const r of page) {
              const line = canonicalRow(r) + '\n';
              h.update(line);
              chunk += line;
            }
            done += page.length;
            allDone += page.length;
            opts.onProgress?.({ table: t.name, rowsDone: done, rowsTotal: total, allDone, allTotal });
            yield Buffer.from(chunk);
          }
          const end = { end: t.name, rows: done, sha256: h.digest('hex') };
          ends.push({ name: t.name, rows: done, sha256: end.sha256 });
          yield Buffer.from(JSON.stringify(end) + '\n');
        }
        yield Buffer.from(JSON.stringify({ complete: true, tables: schema.tables.length }) + '\n');
      }
      // 'wx' after removing whatever is there: never write through a link someone left under that name
      await rm(partial, { force: true });
      await pipeline(Readable.from(lines()), createGzip({ level: 6 }), createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
      return manifestFrom(header, ends);
    });
    await rename(partial, opts.file);
    return { manifest, bytes: (await stat(opts.file)).size };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}
