import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { lockKey, type Db, type Queryable } from './db.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** The repo's migrations folder (overridable for packaged builds). */
export function defaultMigrationsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
}

export async function loadMigrations(dir = defaultMigrationsDir()): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const m = FILE.exec(file);
    if (!m) throw new Error(`Migration file "${file}" is not named NNN_name.sql.`);
    const version = Number(m[1]);
    if (out.some((x) => x.version === version)) throw new Error(`Two migrations share the number ${m[1]}.`);
    out.push({ version, name: m[2] as string, sql: await readFile(path.join(dir, file), 'utf8') });
  }
  return out;
}

const LOCK = lockKey('emtesseract:migrations');

/**
 * Applies every migration not yet recorded in schema_migrations, in order, one
 * transaction each. A transaction-scoped advisory lock serializes processes
 * that start at the same moment on one PostgreSQL server.
 */
export async function migrate(db: Db, opts: { now: string; migrations?: Migration[]; upTo?: number }): Promise<number[]> {
  const { now } = opts;
  const list = (opts.migrations ?? (await loadMigrations())).filter((m) => opts.upTo === undefined || m.version <= opts.upTo);
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL
       )`,
    );
  });
  const applied: number[] = [];
  for (const m of list) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (done.rows.length) return;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now]);
      applied.push(m.version);
    });
  }
  return applied;
}

/**
 * Applies `list` (those not yet recorded) inside the caller's transaction, so
 * an import on PostgreSQL can rebuild the schema, load rows and migrate them
 * forward as one atomic step. The caller holds whatever lock it needs.
 */
export async function migrateInTx(tx: Queryable, list: Migration[], now: string): Promise<number[]> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
  await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)');
  const applied: number[] = [];
  for (const m of list) {
    const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
    if (done.rows.length) continue;
    await tx.exec(m.sql);
    await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now]);
    applied.push(m.version);
  }
  return applied;
}

/** The newest migration this build ships. */
export function latestVersion(list: Migration[]): number {
  return list.reduce((v, m) => Math.max(v, m.version), 0);
}
