import { tableExists, type Queryable } from '../db/db.js';
import type { Migration } from '../db/migrate.js';

/**
 * What an archive needs to know about the live schema, read from the catalog
 * so that tables added by later migrations are exported without anyone
 * listing them: columns (GENERATED ones are skipped, the database recomputes
 * them), the primary key (rows go out in its order, in keyset pages), identity
 * columns (their sequences are reset after a load) and foreign keys (tables go
 * out parents first).
 */
export interface ColumnInfo {
  name: string;
  /** format_type(), e.g. "timestamp with time zone", "text[]", "numeric(3,2)". */
  type: string;
  identity: boolean;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  primaryKey: string[];
}

export interface ForeignKey {
  table: string;
  references: string;
  name: string;
  definition: string;
}

export interface SchemaInfo {
  /** In dependency order: a table comes after every table it references. */
  tables: TableInfo[];
  foreignKeys: ForeignKey[];
}

/** Tables the archive never carries: they are rebuilt by the migrator. */
export const EXCLUDED_TABLES = new Set(['schema_migrations']);

const CREATE_TABLE = /\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?(?:"?[a-z_][a-z0-9_]*"?\.)?"?([a-z_][a-z0-9_]*)"?/gi;

/**
 * The app's own tables: those its migrations create, plus schema_migrations.
 * A PostgreSQL schema may hold other applications' tables too; an export never
 * carries them and an import never drops, empties or re-indexes them.
 * (Migrations are plain SQL; a table is only ever created by CREATE TABLE.)
 */
export function appTableNames(migrations: readonly Migration[]): Set<string> {
  const names = new Set(['schema_migrations']);
  for (const m of migrations) for (const x of m.sql.matchAll(CREATE_TABLE)) names.add((x[1] as string).toLowerCase());
  return names;
}

/** The app's tables in the current schema (see appTableNames), as the catalog describes them. */
export async function readSchema(q: Queryable, migrations: readonly Migration[]): Promise<SchemaInfo> {
  const ours = appTableNames(migrations);
  const cols = await q.query<{ table: string; column: string; type: string; identity: boolean; generated: boolean }>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            a.attidentity <> '' AS identity, a.attgenerated <> '' AS generated
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
  );
  const pks = await q.query<{ table: string; column: string }>(
    `SELECT c.relname AS table, a.attname AS column
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE n.nspname = current_schema() AND i.indisprimary
      ORDER BY c.relname, k.ord`,
  );
  const fks = await q.query<{ table: string; references: string; name: string; definition: string }>(
    `SELECT c.relname AS table, r.relname AS references, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_class r ON r.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND k.contype = 'f'
      ORDER BY c.relname, k.conname`,
  );
  const byName = new Map<string, TableInfo>();
  for (const c of cols.rows) {
    if (EXCLUDED_TABLES.has(c.table) || !ours.has(c.table) || c.generated) continue;
    let t = byName.get(c.table);
    if (!t) byName.set(c.table, (t = { name: c.table, columns: [], primaryKey: [] }));
    t.columns.push({ name: c.column, type: c.type, identity: c.identity });
  }
  for (const p of pks.rows) byName.get(p.table)?.primaryKey.push(p.column);
  for (const t of byName.values()) {
    // No primary key: order by every column, which is still deterministic.
    if (!t.primaryKey.length) t.primaryKey = t.columns.map((c) => c.name);
  }
  const foreignKeys = fks.rows.filter((f) => byName.has(f.table));
  return { tables: dependencyOrder([...byName.values()], foreignKeys), foreignKeys };
}

/** Parents before children (self-references ignored); ties broken by name so the order is stable. */
export function dependencyOrder(tables: TableInfo[], fks: ForeignKey[]): TableInfo[] {
  const deps = new Map(tables.map((t) => [t.name, new Set<string>()]));
  for (const f of fks) if (f.table !== f.references && deps.has(f.references)) deps.get(f.table)?.add(f.references);
  const out: TableInfo[] = [];
  const done = new Set<string>();
  const sorted = [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  while (out.length < sorted.length) {
    const next = sorted.find((t) => !done.has(t.name) && [...(deps.get(t.name) ?? [])].every((d) => done.has(d)));
    // A cycle between tables: take the first remaining one; FKs are checked after the load anyway.
    const pick = next ?? sorted.find((t) => !done.has(t.name));
    if (!pick) break;
    done.add(pick.name);
    out.push(pick);
  }
  return out;
}

/** A quoted SQL identifier. */
export function ident(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** The newest migration recorded in the database (0 when none). */
export async function schemaVersion(q: Queryable): Promise<number> {
  if (!(await tableExists(q, 'schema_migrations'))) return 0;
  const r = await q.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return Number(r.rows[0]?.v ?? 0);
}
