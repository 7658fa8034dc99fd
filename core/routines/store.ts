import type { z } from 'zod';
import type { routine, routineRun } from '../api/autonomy-calls.js';
import { readThrough, type Queryable } from '../db/db.js';

export type RoutineKind = 'briefing' | 'consolidation' | 'research' | 'social_scan';
export type Routine = Omit<z.infer<typeof routine>, 'nextRunAt'>;
export type RoutineRun = z.infer<typeof routineRun>;

export const ROUTINE_COLUMNS =
  'id::int AS id, name, kind, agent_id AS "agentId", time_of_day AS "timeOfDay", days, prompt, enabled, last_run_at AS "lastRunAt", handled_until AS "handledUntil"';
export const RUN_COLUMNS =
  'id::int AS id, routine_id::int AS "routineId", due_at AS "dueAt", outcome, reason, proposal_id::int AS "proposalId", created_at AS "createdAt"';

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

function norm<T extends { lastRunAt: string | null; handledUntil: string }>(r: T): T {
  return { ...r, lastRunAt: iso(r.lastRunAt), handledUntil: iso(r.handledUntil) as string };
}

export function normRun(r: RoutineRun): RoutineRun {
  return { ...r, dueAt: iso(r.dueAt), createdAt: iso(r.createdAt) as string };
}

/** The seed's second track: research at 9, a social scan at 13, the briefing at 20, memory consolidation at night. */
export const seedRoutines: { name: string; kind: RoutineKind; agentId: string; timeOfDay: string; prompt: string }[] = [
  { name: 'Morning research', kind: 'research', agentId: 'brain', timeOfDay: '09:00', prompt: 'A deep research cycle: what changed in our market and what it means for this week.' },
  { name: 'Social scan', kind: 'social_scan', agentId: 'growth', timeOfDay: '13:00', prompt: 'Scan our recent posts and their engagement: what worked, what did not, what to try next.' },
  { name: 'Evening briefing', kind: 'briefing', agentId: 'opus', timeOfDay: '20:00', prompt: 'Summarize the company day for the person who runs it: what got done, what failed, what is next.' },
  { name: 'Night consolidation', kind: 'consolidation', agentId: 'observer', timeOfDay: '03:00', prompt: 'Merge near-duplicate memories.' },
];

export async function seedRoutineRows(q: Queryable, now: string): Promise<void> {
  for (const r of seedRoutines) {
    await q.query(
      `INSERT INTO ops_routines (name, kind, agent_id, time_of_day, prompt, handled_until, created_at, updated_at)
       SELECT $1, $2, $3, $4, $5, $6, $6, $6 WHERE EXISTS (SELECT 1 FROM ops_agents WHERE id = $3)
       ON CONFLICT (name) DO NOTHING`,
      [r.name, r.kind, r.agentId, r.timeOfDay, r.prompt, now],
    );
  }
}

export async function listRoutines(q: Queryable): Promise<Routine[]> {
  return (await readThrough<Routine>(q, `SELECT ${ROUTINE_COLUMNS} FROM ops_routines ORDER BY time_of_day, id`, undefined, ['ops_routines'])).rows.map(norm);
}

export async function getRoutine(q: Queryable, id: number): Promise<Routine | null> {
  const row = (await q.query<Routine>(`SELECT ${ROUTINE_COLUMNS} FROM ops_routines WHERE id = $1`, [id])).rows[0];
  return row ? norm(row) : null;
}

export async function recordRun(q: Queryable, r: { routineId: number; dueAt: string | null; outcome: RoutineRun['outcome']; reason: string | null; proposalId?: number | null; at: string }): Promise<RoutineRun> {
  const res = await q.query<RoutineRun>(
    `INSERT INTO ops_routine_runs (routine_id, due_at, outcome, reason, proposal_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${RUN_COLUMNS}`,
    [r.routineId, r.dueAt, r.outcome, r.reason, r.proposalId ?? null, r.at],
  );
  return normRun(res.rows[0] as RoutineRun);
}

export async function routineHistory(q: Queryable, id: number | undefined, limit: number): Promise<RoutineRun[]> {
  const res = await q.query<RoutineRun>(
    `SELECT ${RUN_COLUMNS} FROM ops_routine_runs WHERE ($1::bigint IS NULL OR routine_id = $1) ORDER BY id DESC LIMIT $2`,
    [id ?? null, limit],
  );
  return res.rows.map(normRun);
}
