/**
 * Migrated in-memory PGlites for freshDb('pglite'), reused within a test process.
 *
 * Opening one from the migrated template costs about a second (unpacking 40 MB
 * into PGlite's memory file system and starting Postgres), and the suite opens
 * hundreds. A database a test has closed is put back as the template had it
 * instead: session state discarded (prepared statements, settings, temporary
 * tables), every table emptied, the rows the migrations wrote put back, every
 * sequence set to the template's value — tens of milliseconds. One whose
 * schema a test changed, or that a test left inside a transaction, is closed
 * for good instead, so no test can see what an earlier one did.
 */
import { PGlite } from '@electric-sql/pglite';
import { readFile } from 'node:fs/promises';
import { PgliteDb, pgliteParsers, pgliteStartOptions } from '../../core/db/pglite.ts';
import { ensureMigratedPgliteTemplate } from './pglite-template.ts';

interface Baseline {
  /** Names and kinds of every relation in public: a changed schema is not reused. */
  schema: string;
  /** DELETE of every table, then the INSERTs of the migrations' rows and the sequences' values. */
  resetSql: string;
}

const SCHEMA_SQL = `SELECT coalesce(string_agg(c.relname || ':' || c.relkind::text || ':' || c.relnatts::text, ',' ORDER BY c.relname), '') AS s
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`;

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

let template: Promise<Blob> | null = null;
let baseline: Promise<Baseline> | null = null;
const idle: PGlite[] = [];
/** Opened and put back, for the curious (how much the pool saves). */
export const poolStats = { opened: 0, reused: 0, discarded: 0 };

async function openFromTemplate(): Promise<PGlite> {
  template ??= ensureMigratedPgliteTemplate().then(async (file) => new Blob([await readFile(file)]));
  const pg = new PGlite('memory://', { parsers: pgliteParsers, ...pgliteStartOptions(true, 'small'), loadDataDir: await template });
  await pg.waitReady;
  poolStats.opened++;
  return pg;
}

async function schemaOf(pg: PGlite): Promise<string> {
  return (await pg.query<{ s: string }>(SCHEMA_SQL)).rows[0]?.s ?? '';
}

/** What a freshly migrated database holds, read from one straight from the template. */
async function readBaseline(pg: PGlite): Promise<Baseline> {
  const tables = (await pg.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.t);
  const parts = ['SET session_replication_role = replica;'];
  for (const t of tables) parts.push(`DELETE FROM ${quoteIdent(t)};`);
  for (const t of tables) {
    const cols = (
      await pg.query<{ c: string }>(
        `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
        [t],
      )
    ).rows.map((r) => quoteIdent(r.c));
    const rows = (await pg.query<{ j: unknown }>(`SELECT coalesce(json_agg(x), '[]'::json) AS j FROM (SELECT ${cols.join(', ')} FROM ${quoteIdent(t)}) x`)).rows[0]?.j;
    if (!Array.isArray(rows) || rows.length === 0) continue;
    parts.push(`INSERT INTO ${quoteIdent(t)} (${cols.join(', ')}) OVERRIDING SYSTEM VALUE SELECT ${cols.join(', ')} FROM json_populate_recordset(NULL::${quoteIdent(t)}, ${quoteLiteral(JSON.stringify(rows))});`);
  }
  parts.push('SET session_replication_role = DEFAULT;');
  const seqs = (await pg.query<{ s: string; v: string; called: boolean }>(`SELECT sequencename AS s, coalesce(last_value, start_value)::text AS v, last_value IS NOT NULL AS called FROM pg_sequences WHERE schemaname = 'public'`)).rows;
  for (const q of seqs) parts.push(`SELECT setval(${quoteLiteral(quoteIdent(q.s))}, ${q.v}, ${q.called});`);
  return { schema: await schemaOf(pg), resetSql: parts.join('\n') };
}

/** Back to the template's state, or closed when that cannot be trusted. */
async function putBack(pg: PGlite): Promise<void> {
  try {
    const base = await baseline!;
    if (pg.closed || pg.isInTransaction()) throw new Error('left inside a transaction');
    await pg.exec('DISCARD ALL');
    if ((await schemaOf(pg)) !== base.schema) throw new Error('schema changed');
    await pg.exec(base.resetSql);
    idle.push(pg);
    poolStats.reused++;
  } catch {
    poolStats.discarded++;
    if (!pg.closed) await pg.close().catch(() => {});
  }
}

/** A migrated, empty in-memory database: one put back by an earlier test, or a new one from the template. */
export async function pooledPglite(): Promise<PgliteDb> {
  let pg = idle.pop();
  if (!pg) {
    pg = await openFromTemplate();
    if (!baseline) {
      const first = pg;
      baseline = readBaseline(first);
      await baseline;
    }
  }
  return PgliteDb.adopt(pg, putBack);
}
