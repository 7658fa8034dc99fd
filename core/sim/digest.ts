import { createHash } from 'node:crypto';
import { tableExists, type Queryable } from '../db/db.js';

/** Tables whose contents make up the company's state, in a fixed order. */
const TABLES = [
  'ops_agents',
  'ops_policy',
  'ops_mission_proposals',
  'ops_missions',
  'ops_mission_steps',
  'ops_agent_events',
  'ops_action_runs',
  'ops_artifacts',
  'ops_agent_memory',
  'ops_llm_calls',
  'ops_trigger_rules',
  'ops_trigger_decisions',
  'ops_agent_reactions',
  'ops_reaction_rolls',
  'ops_posts',
  'ops_roundtable_queue',
  'ops_roundtable_turns',
  'ops_agent_relationships',
  'ops_initiative_queue',
];

/** Rows read at a time: a month's company is hashed without holding any table whole. */
const PAGE = 200;

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The primary key's columns of `table`, in key order (none: it has no primary key). */
async function primaryKey(q: Queryable, table: string): Promise<string[]> {
  const r = await q.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [table],
  );
  return r.rows.map((x) => x.name);
}

/**
 * A hash of the whole company's state: every row of every table above, in
 * primary-key order, read a page at a time from where the last page ended.
 * Same seed and inputs → same digest.
 */
export async function databaseDigest(q: Queryable): Promise<string> {
  const h = createHash('sha256');
  for (const t of TABLES) {
    if (!(await tableExists(q, t))) continue;
    h.update(`\n#${t}\n`);
    const key = await primaryKey(q, t);
    if (!key.length) {
      // not one of ours today; hashed whole, in the order of its rows' text
      for (const r of (await q.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM ${quote(t)} x ORDER BY 1`)).rows) h.update(r.j + '\n');
      continue;
    }
    const cols = key.map((c) => `x.${quote(c)}`).join(', ');
    const picks = key.map((c, i) => `x.${quote(c)} AS k${i}`).join(', ');
    const after = `(${cols}) > (${key.map((_, i) => `$${i + 1}`).join(', ')})`;
    let last: unknown[] | null = null;
    for (;;) {
      type Row = Record<string, unknown> & { j: string };
      const rows: Row[] = (
        await q.query<Row>(
          `SELECT row_to_json(x)::text AS j, ${picks} FROM ${quote(t)} x ${last ? `WHERE ${after}` : ''} ORDER BY ${cols} LIMIT ${PAGE}`,
          last ?? [],
        )
      ).rows;
      for (const r of rows) h.update(r.j + '\n');
      if (rows.length < PAGE) break;
      const end: Row = rows[rows.length - 1]!;
      last = key.map((_, i): unknown => end[`k${i}`]);
    }
  }
  return h.digest('hex');
}
