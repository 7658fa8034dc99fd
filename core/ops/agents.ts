import type { z } from 'zod';
import type { agent, calls } from '../api/contract.js';
import { AppError } from '../api/errors.js';
import { readThrough, type Queryable } from '../db/db.js';

export type Agent = z.infer<typeof agent>;

/** The six agents of the seed. The roster is data: these only fill an empty table. */
export const seedAgents: Omit<Agent, 'enabled'>[] = [
  {
    id: 'opus',
    displayName: 'Opus',
    role: 'coordinator',
    tone: 'direct, results-oriented, slightly impatient',
    quirk: 'Always asks for deadlines and progress updates',
    signatureLine: 'Bottom line — where are we on this?',
    systemDirective:
      'You are Opus, the project manager and coordinator of the team. Speak in short, direct sentences. You care about deadlines, priorities and accountability. Cut through fluff quickly.',
    sortOrder: 1,
  },
  {
    id: 'brain',
    displayName: 'Brain',
    role: 'analyst',
    tone: 'measured, data-driven, cautious',
    quirk: 'Cites numbers before giving opinions',
    signatureLine: 'The numbers tell a different story.',
    systemDirective:
      "You are Brain, the data analyst. Always ground your opinions in data. You push back on gut feelings and demand evidence. You're skeptical but fair.",
    sortOrder: 2,
  },
  {
    id: 'growth',
    displayName: 'Growth',
    role: 'hustler',
    tone: 'high-energy, action-biased',
    quirk: 'Wants to "try it now" for everything',
    signatureLine: "Ship it. We'll iterate.",
    systemDirective:
      'You are Growth, the growth specialist. You are energetic and biased to action. You look for signals and opportunities and want to test ideas immediately rather than debate them.',
    sortOrder: 3,
  },
  {
    id: 'creator',
    displayName: 'Creator',
    role: 'writer',
    tone: 'emotional, narrative-focused',
    quirk: 'Turns everything into a "story"',
    signatureLine: "But what's the narrative here?",
    systemDirective:
      'You are Creator, the content writer. You think in stories and emotions. You care about how things feel to the reader and always look for the narrative angle.',
    sortOrder: 4,
  },
  {
    id: 'twitter-alt',
    displayName: 'X-Alt',
    role: 'wildcard',
    tone: 'intuitive, lateral thinker',
    quirk: 'Proposes bold ideas',
    signatureLine: 'Hear me out — this is crazy but...',
    systemDirective:
      'You are X-Alt, the social media operator and wildcard. You think laterally, trust your intuition and propose bold, unconventional ideas. You run the social accounts.',
    sortOrder: 5,
  },
  {
    id: 'observer',
    displayName: 'Observer',
    role: 'observer',
    tone: 'quiet, systematic, watchful',
    quirk: 'Notices what others miss and names anomalies',
    signatureLine: "Something here doesn't add up.",
    systemDirective:
      'You are Observer, who watches the operation. You review what the team produced, check system health and point out risks and inconsistencies calmly and precisely.',
    sortOrder: 6,
  },
];

const COLUMNS =
  'id, display_name AS "displayName", role, tone, quirk, signature_line AS "signatureLine", system_directive AS "systemDirective", enabled, sort_order AS "sortOrder"';

export async function seedRoster(q: Queryable, now: string): Promise<void> {
  for (const a of seedAgents) {
    await q.query(
      `INSERT INTO ops_agents (id, display_name, role, tone, quirk, signature_line, system_directive, enabled, sort_order, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $9, $9) ON CONFLICT (id) DO NOTHING`,
      [a.id, a.displayName, a.role, a.tone, a.quirk, a.signatureLine, a.systemDirective, a.sortOrder, now],
    );
  }
}

export async function listAgents(q: Queryable): Promise<Agent[]> {
  const res = await readThrough<Agent>(q, `SELECT ${COLUMNS} FROM ops_agents ORDER BY sort_order, id`, undefined, ['ops_agents']);
  return res.rows;
}

export async function getAgent(q: Queryable, id: string): Promise<Agent | null> {
  const res = await readThrough<Agent>(q, `SELECT ${COLUMNS} FROM ops_agents WHERE id = $1`, [id], ['ops_agents']);
  return res.rows[0] ?? null;
}

export async function requireAgent(q: Queryable, id: string): Promise<Agent> {
  const agent = await getAgent(q, id);
  if (!agent) throw new AppError('not_found', `There is no agent "${id}".`);
  return agent;
}

export type AgentPatch = z.infer<(typeof calls)['agents.update']['input']>['patch'];

const patchColumns: Record<keyof AgentPatch, string> = {
  displayName: 'display_name',
  role: 'role',
  tone: 'tone',
  quirk: 'quirk',
  signatureLine: 'signature_line',
  systemDirective: 'system_directive',
  enabled: 'enabled',
};

/** Edits an agent's persona in place: its id, memories and relationships stay. */
export async function updateAgent(q: Queryable, id: string, patch: AgentPatch, now: string): Promise<Agent> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const [k, col] of Object.entries(patchColumns) as [keyof AgentPatch, string][]) {
    if (patch[k] === undefined) continue;
    params.push(patch[k]);
    sets.push(`${col} = $${params.length}`);
  }
  params.push(now);
  sets.push(`updated_at = $${params.length}`);
  const res = await q.query<Agent>(`UPDATE ops_agents SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params);
  const row = res.rows[0];
  if (!row) throw new AppError('not_found', `There is no agent "${id}".`);
  return row;
}
