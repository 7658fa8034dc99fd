import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';

/** The archive's lines, uncompressed. */
export function archiveLines(file: string): string[] {
  return gunzipSync(readFileSync(file)).toString('utf8').split('\n');
}

/** Writes `lines` as a new archive (same format, recompressed). */
export function writeArchiveLines(file: string, lines: string[]): void {
  writeFileSync(file, gzipSync(Buffer.from(lines.join('\n'))));
}

/** A copy of `from` with one row of `table` changed in one value (its checksum no longer matches). */
export function alterOneRow(from: string, to: string, table: string): void {
  const lines = archiveLines(from);
  const start = lines.findIndex((l) => l.startsWith('{"table":') && JSON.parse(l).table === table);
  const row = JSON.parse(lines[start + 1] as string) as (string | null)[];
  const i = row.findIndex((v, k) => k > 0 && typeof v === 'string');
  row[i] = `${row[i]}!`;
  lines[start + 1] = JSON.stringify(row);
  writeArchiveLines(to, lines);
}
