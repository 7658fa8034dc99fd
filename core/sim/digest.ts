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

/**
 * A hash of the whole company's state: every row of every table above, in
 * primary-key order. Same seed and inputs → same digest.
 */
export async function databaseDigest(q: Queryable): Promise<string> {
  const h = createHash('sha256');
  for (const t of TABLES) {
    if (!(await tableExists(q, t))) continue;
    h.update(`\n#${t}\n`);
    // row_to_json in key order; the first column is the primary key for every table here
    const rows = await q.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM ${t} x ORDER BY 1`);
    for (const r of rows.rows) h.update(r.j + '\n');
  }
  return h.digest('hex');
}
