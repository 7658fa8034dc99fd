import { z } from 'zod';
import { archiveManifest, backupReason } from '../api/data-calls.js';

/**
 * The archive (.emtx): one gzip'd stream of NDJSON lines, engine-neutral.
 *
 *   {"format":"emtesseract-archive", formatVersion, appVersion, schemaVersion, createdAt, source, reason?, tables:[{name, rows}]}
 *   {"table":"ops_agents","columns":["id",…],"types":["text",…]}
 *   ["brain","Brain",…]            one line per row: every value in PostgreSQL's text form, or null
 *   {"end":"ops_agents","rows":7,"sha256":"…"}
 *   … the next table …
 *   {"complete":true,"tables":23}
 *
 * A row's canonical form is JSON.stringify of that array; a table's checksum is
 * sha256 over its rows' canonical forms, each followed by "\n", in primary-key
 * order. PostgreSQL's text output (UTC time zone, ISO dates, shortest floats,
 * normalized jsonb) is the same from PGlite and from a server, so the same
 * company gives the same checksums on both.
 */
export const FORMAT = 'emtesseract-archive';
export const FORMAT_VERSION = 1;
export const ARCHIVE_EXT = '.emtx';

export const headerLine = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.number().int().min(1),
  appVersion: z.string(),
  schemaVersion: z.number().int().min(0),
  createdAt: z.string(),
  source: z.enum(['pglite', 'postgres']),
  reason: backupReason.optional(),
  tables: z.array(z.object({ name: z.string().min(1), rows: z.number().int().min(0) })),
});
export type HeaderLine = z.infer<typeof headerLine>;

export const tableLine = z.object({
  table: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1),
  types: z.array(z.string()),
});
export const endLine = z.object({ end: z.string(), rows: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export const completeLine = z.object({ complete: z.literal(true), tables: z.number().int().min(0) });

export type RowValues = (string | null)[];

export function canonicalRow(values: RowValues): string {
  return JSON.stringify(values);
}

export function manifestFrom(header: HeaderLine, ends: { name: string; rows: number; sha256: string }[]): z.infer<typeof archiveManifest> {
  return {
    format: FORMAT,
    formatVersion: header.formatVersion,
    appVersion: header.appVersion,
    schemaVersion: header.schemaVersion,
    createdAt: header.createdAt,
    source: header.source,
    tables: ends,
  };
}

/** `2026-12-02T10:00:00.000Z` + reason → `2026-12-02T10-00-00Z-scheduled.emtx` */
export function archiveFileName(createdAt: string, reason: string): string {
  return `${createdAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}-${reason}${ARCHIVE_EXT}`;
}

/** What the download route serves and the backup calls accept: a bare archive file name. */
export const ARCHIVE_NAME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}Z-[a-z_]+(-[0-9]+)?\.emtx$/;
