import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { ArchiveManifest } from '../api/data-calls.js';
import { AppError } from '../api/errors.js';
import { canonicalRow, completeLine, endLine, FORMAT, FORMAT_VERSION, headerLine, manifestFrom, tableLine, type HeaderLine, type RowValues } from './archive-format.js';

/** No row of ours comes near this; a longer line means the file is something else. */
const MAX_LINE = 256 * 1024 * 1024;

export interface ArchiveTable {
  name: string;
  columns: string[];
  types: string[];
  rows: number;
}

export interface ArchiveVisitor {
  /** After the header is read and checked; throw to stop early. */
  onHeader?(header: HeaderLine): Promise<void> | void;
  onTable?(table: ArchiveTable): Promise<void> | void;
  /** Rows in batches (in archive order); the table's checksum is checked only at its end line. */
  onRows?(table: ArchiveTable, rows: RowValues[]): Promise<void> | void;
  onTableEnd?(table: ArchiveTable): Promise<void> | void;
}

export interface ReadOptions {
  /** The newest schema this app knows: a newer archive is refused before its rows are read. */
  knownSchemaVersion: number;
  batchSize?: number;
}

/** Why an archive was refused; each has its own sentence. */
export type ArchiveProblem = 'not_gzip' | 'foreign' | 'newer_format' | 'newer_schema' | 'truncated' | 'corrupt' | 'checksum' | 'malformed';

export function archiveError(problem: ArchiveProblem, message: string): AppError {
  return new AppError('invalid_input', message, { problem });
}

/**
 * Streams an archive and checks all of it: gzip, manifest, versions, every
 * line's shape, every row's arity, each table's row count and sha256, and the
 * closing line. Memory stays at one batch. Resolves with the manifest only if
 * the whole file is sound; otherwise rejects with an AppError('invalid_input')
 * whose details.problem says which of the refusals it is.
 */
export async function readArchive(file: string, opts: ReadOptions, visitor: ArchiveVisitor = {}): Promise<ArchiveManifest> {
  const batchSize = opts.batchSize ?? 500;
  let header: HeaderLine | null = null;
  let current: (ArchiveTable & { hash: ReturnType<typeof createHash>; seen: number; batch: RowValues[] }) | null = null;
  let tableIndex = 0;
  let complete = false;
  let lineNo = 0;
  let bytesIn = 0;
  const ends: { name: string; rows: number; sha256: string }[] = [];

  const flush = async (): Promise<void> => {
    if (current && current.batch.length) {
      const rows = current.batch;
      current.batch = [];
      await visitor.onRows?.(current, rows);
    }
  };

  const onLine = async (line: string): Promise<void> => {
    lineNo++;
    if (complete) throw archiveError('malformed', `This archive has data after its closing line (line ${lineNo}); it is not a file this app wrote.`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (!header) throw archiveError('foreign', 'This file is not an emtesseract archive: it is compressed, but what it holds is not an emtesseract export.');
      throw archiveError('corrupt', `This archive is damaged: line ${lineNo} is not readable${current ? ` (in table ${current.name})` : ''}.`);
    }
    if (!header) {
      const looks = typeof value === 'object' && value !== null && (value as { format?: unknown }).format === FORMAT;
      if (!looks) throw archiveError('foreign', 'This file is not an emtesseract archive: it is compressed, but it has no emtesseract manifest.');
      const fv = (value as { formatVersion?: unknown }).formatVersion;
      if (typeof fv === 'number' && fv > FORMAT_VERSION) {
        throw archiveError('newer_format', `This archive was written in archive format ${fv} by a newer emtesseract; this app reads format ${FORMAT_VERSION}. Update the app to import it.`);
      }
      const h = headerLine.safeParse(value);
      if (!h.success) throw archiveError('malformed', 'This archive\'s manifest is incomplete or damaged, so nothing in it can be trusted.');
      if (h.data.schemaVersion > opts.knownSchemaVersion) {
        throw archiveError(
          'newer_schema',
          `This archive comes from a newer emtesseract (database schema ${h.data.schemaVersion}; this app knows up to ${opts.knownSchemaVersion}). Update the app, then import it.`,
        );
      }
      header = h.data;
      await visitor.onHeader?.(header);
      return;
    }
    if (Array.isArray(value)) {
      if (!current) throw archiveError('malformed', `This archive is damaged: line ${lineNo} is a row outside any table.`);
      if (value.length !== current.columns.length || !value.every((v) => v === null || typeof v === 'string')) {
        throw archiveError('corrupt', `This archive is damaged: row ${current.seen + 1} of table ${current.name} does not have the table's ${current.columns.length} columns.`);
      }
      current.hash.update(canonicalRow(value as RowValues) + '\n');
      current.seen++;
      current.batch.push(value as RowValues);
      if (current.batch.length >= batchSize) await flush();
      return;
    }
    const t = tableLine.safeParse(value);
    if (t.success) {
      if (current) throw archiveError('malformed', `This archive is damaged: table ${current.name} has no end line.`);
      const expected = header.tables[tableIndex];
      if (!expected || expected.name !== t.data.table || t.data.types.length !== t.data.columns.length) {
        throw archiveError('malformed', `This archive is damaged: table ${t.data.table} is not where its manifest says it should be.`);
      }
      current = { name: t.data.table, columns: t.data.columns, types: t.data.types, rows: expected.rows, hash: createHash('sha256'), seen: 0, batch: [] };
      await visitor.onTable?.(current);
      return;
    }
    const e = endLine.safeParse(value);
    if (e.success) {
      if (!current || current.name !== e.data.end) throw archiveError('malformed', `This archive is damaged: an end line for ${e.data.end} where none was expected.`);
      await flush();
      const sha = current.hash.digest('hex');
      if (current.seen !== e.data.rows || current.seen !== current.rows) {
        throw archiveError('checksum', `This archive does not add up: table ${current.name} should have ${current.rows} rows but holds ${current.seen}. It was altered after export.`);
      }
      if (sha !== e.data.sha256) {
        throw archiveError('checksum', `This archive's checksum does not match for table ${current.name}: its rows were altered after export, so it is refused.`);
      }
      ends.push({ name: current.name, rows: current.seen, sha256: sha });
      await visitor.onTableEnd?.(current);
      current = null;
      tableIndex++;
      return;
    }
    const c = completeLine.safeParse(value);
    if (c.success) {
      if (current || tableIndex !== header.tables.length || c.data.tables !== header.tables.length) {
        throw archiveError('truncated', 'This archive is incomplete: it closes before all the tables its manifest lists.');
      }
      complete = true;
      return;
    }
    throw archiveError('malformed', `This archive is damaged: line ${lineNo} is not something an archive holds.`);
  };

  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    await pipeline(
      createReadStream(file),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytesIn += chunk.length;
          yield chunk;
        }
      },
      createGunzip(),
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) {
          rest += decoder.write(chunk);
          let nl: number;
          while ((nl = rest.indexOf('\n')) >= 0) {
            const line = rest.slice(0, nl);
            rest = rest.slice(nl + 1);
            await onLine(line);
          }
          if (rest.length > MAX_LINE) throw archiveError(header ? 'corrupt' : 'foreign', header ? 'This archive is damaged: it holds a line longer than any row could be.' : 'This file is not an emtesseract archive: it is compressed, but it has no emtesseract manifest.');
        }
        rest += decoder.end();
      },
    );
  } catch (err) {
    if (err instanceof AppError) throw err;
    const cur = current as { name: string; seen: number } | null;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('not_found', `There is no archive at ${file}.`);
    if (code === 'Z_BUF_ERROR') throw truncated(cur, header);
    if (code === 'Z_DATA_ERROR') {
      if (!header && lineNo === 0) {
        throw archiveError('not_gzip', 'This file is not an emtesseract archive: an archive is a compressed .emtx file written by Export, and this is something else.');
      }
      throw archiveError('corrupt', `This archive is damaged: its compressed data is broken${cur ? ` inside table ${cur.name}` : ''}.`);
    }
    throw err;
  }
  if (bytesIn === 0) throw archiveError('not_gzip', 'This file is empty, so it is not an emtesseract archive.');
  if (rest.length) throw truncated(current, header);
  if (!header) throw archiveError('foreign', 'This file is not an emtesseract archive: it has no emtesseract manifest.');
  if (!complete) throw truncated(current, header);
  return manifestFrom(header, ends);
}

function truncated(current: { name: string; seen: number } | null, header: HeaderLine | null): AppError {
  const where = current ? ` in the middle of table ${current.name} (after ${current.seen} rows)` : header ? ' before its last table' : '';
  return archiveError('truncated', `This archive is incomplete: it ends${where}. The file was probably cut short while copying or downloading.`);
}
