import type { ArchiveManifest } from '../api/data-calls.js';
import { AppError } from '../api/errors.js';
import type { Queryable } from '../db/db.js';
import { latestVersion, migrateInTx, type Migration } from '../db/migrate.js';
import type { ArchiveProgress } from './export-archive.js';
import { tableChecksum } from './export-archive.js';
import { archiveError, readArchive } from './read-archive.js';
import { appTableNames, ident, readSchema, type TableInfo } from './schema-info.js';

export interface LoadOptions {
  migrations: Migration[];
  now: string;
  onProgress?: (p: ArchiveProgress) => void;
}

export interface LoadOutcome {
  manifest: ArchiveManifest;
  /** The archive's schema when it was older and has been migrated forward. */
  migratedFrom: number | null;
}

/**
 * Replaces the app's tables in the current schema (appTableNames: what the
 * migrations create; another application's tables are not touched) with the archive's rows, inside
 * the caller's transaction (so nothing is visible until it commits, and a
 * failure anywhere leaves the database as it was): drop the tables, rebuild
 * the schema at the archive's version, load every row (foreign keys are
 * dropped for the load and added back, which checks them all), check each
 * table's checksum against the loaded rows, reset identity sequences, then
 * migrate forward to this app's schema.
 */
export async function loadArchive(tx: Queryable, file: string, opts: LoadOptions): Promise<LoadOutcome> {
  const known = latestVersion(opts.migrations);
  // only the app's own tables: another application's tables in the same schema are left alone
  const ours = [...appTableNames(opts.migrations)];
  const existing = await tx.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1::text[])`, [ours]);
  if (existing.rows.length) await tx.exec(`DROP TABLE IF EXISTS ${existing.rows.map((r) => ident(r.name)).join(', ')} CASCADE`);

  let version = 0;
  let schema: Awaited<ReturnType<typeof readSchema>> | null = null;
  const loaded: TableInfo[] = [];
  let insertSql = '';
  let done = 0;
  let allDone = 0;
  let allTotal = 0;
  /** Secondary indexes, dropped while the rows load and built once after (a million rows into a live GIN index is most of an import's time). */
  let indexes: { name: string; definition: string }[] = [];
  const manifest = await readArchive(
    file,
    { knownSchemaVersion: known },
    {
      async onHeader(h) {
        version = h.schemaVersion;
        allTotal = h.tables.reduce((n, t) => n + t.rows, 0);
        await migrateInTx(tx, opts.migrations.filter((m) => m.version <= version), opts.now);
        schema = await readSchema(tx, opts.migrations);
        // migrations seed rows (agents, relationships, rules): the archive's rows replace them
        // (no CASCADE: it would empty any other table that references ours)
        if (schema.tables.length) await tx.exec(`TRUNCATE ${schema.tables.map((t) => ident(t.name)).join(', ')} RESTART IDENTITY`);
        for (const fk of schema.foreignKeys) await tx.exec(`ALTER TABLE ${ident(fk.table)} DROP CONSTRAINT ${ident(fk.name)}`);
        indexes = (
          await tx.query<{ name: string; definition: string }>(
            `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
              WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
              ORDER BY i.indexname`,
            [ours],
          )
        ).rows;
        if (indexes.length) await tx.exec(`DROP INDEX ${indexes.map((i) => ident(i.name)).join(', ')}`);
      },
      onTable(t) {
        const target = schema?.tables.find((x) => x.name === t.name);
        if (!target) throw archiveError('malformed', `This archive holds a table ${t.name} that schema ${version} does not have, so it was not written by emtesseract at that version.`);
        const missing = target.columns.filter((c) => !t.columns.includes(c.name)).map((c) => c.name);
        const extra = t.columns.filter((c) => !target.columns.some((x) => x.name === c));
        if (missing.length || extra.length) {
          throw archiveError(
            'malformed',
            `Table ${t.name} in this archive does not match schema ${version}: ${[missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unknown ${extra.join(', ')}` : ''].filter(Boolean).join('; ')}.`,
          );
        }
        const cols = t.columns.map((name) => target.columns.find((c) => c.name === name)!);
        loaded.push({ name: t.name, columns: cols, primaryKey: target.primaryKey });
        insertSql =
          `INSERT INTO ${ident(t.name)} (${cols.map((c) => ident(c.name)).join(', ')}) OVERRIDING SYSTEM VALUE ` +
          `SELECT ${cols.map((c, i) => `(x.r->>${i})::${c.type}`).join(', ')} FROM jsonb_array_elements($1::jsonb) AS x(r)`;
        done = 0;
      },
      async onRows(t, rows) {
        try {
          await tx.query(insertSql, [JSON.stringify(rows)]);
        } catch (err) {
          throw archiveError('malformed', `A row of table ${t.name} does not fit schema ${version}: ${(err as Error).message}.`);
        }
        done += rows.length;
        allDone += rows.length;
        opts.onProgress?.({ table: t.name, rowsDone: done, rowsTotal: t.rows, allDone, allTotal });
      },
    },
  );
  const absent = (schema as Awaited<ReturnType<typeof readSchema>> | null)?.tables.filter((t) => !loaded.some((l) => l.name === t.name)) ?? [];
  if (absent.length) throw archiveError('malformed', `This archive lacks table${absent.length > 1 ? 's' : ''} ${absent.map((t) => t.name).join(', ')} that schema ${version} has.`);

  for (const i of indexes) await tx.exec(i.definition);
  for (const fk of (schema as Awaited<ReturnType<typeof readSchema>> | null)?.foreignKeys ?? []) {
    try {
      await tx.exec(`ALTER TABLE ${ident(fk.table)} ADD CONSTRAINT ${ident(fk.name)} ${fk.definition}`);
    } catch (err) {
      throw archiveError('malformed', `The rows of table ${fk.table} point at rows of ${fk.references} that the archive does not hold (${(err as Error).message}).`);
    }
  }
  for (const t of loaded) {
    const want = manifest.tables.find((x) => x.name === t.name);
    const got = await tableChecksum(tx, t);
    if (!want || got.sha256 !== want.sha256 || got.rows !== want.rows) {
      throw new AppError('internal', `Table ${t.name} did not load identically (${got.rows} rows, expected ${want?.rows}); nothing was changed.`);
    }
    for (const c of t.columns.filter((x) => x.identity)) {
      await tx.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${ident(c.name)}) FROM ${ident(t.name)}), 1), (SELECT count(*) > 0 FROM ${ident(t.name)}))`,
        [t.name, c.name],
      );
    }
  }
  const forward = await migrateInTx(tx, opts.migrations.filter((m) => m.version > version), opts.now);
  return { manifest, migratedFrom: forward.length ? version : null };
}
