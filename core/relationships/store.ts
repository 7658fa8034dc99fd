import { z } from 'zod';
import type { Queryable } from '../db/db.js';

/** Affinity never leaves this range: colleagues always talk, even the closest keep some distance. */
export const AFFINITY_MIN = 0.1;
export const AFFINITY_MAX = 0.95;
/** Drift-log entries kept per pair. */
export const DRIFT_LOG_MAX = 20;

export const driftLogEntry = z.object({
  at: z.string(),
  drift: z.number(),
  reason: z.string(),
  conversationId: z.number().nullable(),
  affinity: z.number(),
});
export type DriftLogEntry = z.infer<typeof driftLogEntry>;

export const relationshipRow = z.object({
  agentA: z.string(),
  agentB: z.string(),
  affinity: z.number(),
  backstory: z.string(),
  totalInteractions: z.number(),
  positiveInteractions: z.number(),
  negativeInteractions: z.number(),
  driftLog: z.array(driftLogEntry),
  updatedAt: z.string().nullable(),
});
export type Relationship = z.infer<typeof relationshipRow>;

const COLUMNS =
  'agent_a AS "agentA", agent_b AS "agentB", affinity, backstory, total_interactions AS "totalInteractions", positive_interactions AS "positiveInteractions", negative_interactions AS "negativeInteractions", drift_log AS "driftLog", updated_at AS "updatedAt"';

/** The pair in storage order (agent_a < agent_b, by code point like COLLATE "C"). */
export function pairOf(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export function pairKey(a: string, b: string): string {
  return pairOf(a, b).join('|');
}

export function clampAffinity(v: number): number {
  return Math.round(Math.min(AFFINITY_MAX, Math.max(AFFINITY_MIN, v)) * 100) / 100;
}

export async function listRelationships(q: Queryable): Promise<Relationship[]> {
  const res = await q.query<Relationship>(`SELECT ${COLUMNS} FROM ops_agent_relationships ORDER BY affinity DESC, agent_a, agent_b`);
  return res.rows;
}

/** Affinities by pair; a pair never seen (an agent added later) counts as 0.50. */
export class AffinityMap {
  constructor(private readonly byPair: Map<string, number>) {}
  get(a: string, b: string): number {
    if (a === b) return 1;
    return this.byPair.get(pairKey(a, b)) ?? 0.5;
  }
  pairs(): { a: string; b: string; affinity: number }[] {
    return [...this.byPair].map(([k, affinity]) => {
      const [a, b] = k.split('|') as [string, string];
      return { a, b, affinity };
    });
  }
}

export async function loadAffinities(q: Queryable): Promise<AffinityMap> {
  const res = await q.query<{ a: string; b: string; affinity: number }>('SELECT agent_a AS a, agent_b AS b, affinity FROM ops_agent_relationships');
  return new AffinityMap(new Map(res.rows.map((r) => [pairKey(r.a, r.b), r.affinity])));
}

export interface PairDrift {
  a: string;
  b: string;
  /** Already clamped to ±max_drift. */
  drift: number;
  reason: string;
}

export interface AppliedDrift {
  a: string;
  b: string;
  drift: number;
  from: number;
  to: number;
}

/**
 * Records one conversation on every pair of its participants: each pair's
 * interaction counters move; a pair with a drift moves its affinity (kept
 * within 0.10–0.95, two decimals) and appends to its drift log (last 20).
 */
export async function recordConversation(
  q: Queryable,
  participants: readonly string[],
  drifts: readonly PairDrift[],
  opts: { conversationId: number | null; now: string },
): Promise<AppliedDrift[]> {
  const byPair = new Map(drifts.map((d) => [pairKey(d.a, d.b), d]));
  const applied: AppliedDrift[] = [];
  const people = [...new Set(participants)].sort();
  for (let i = 0; i < people.length; i++) {
    for (let j = i + 1; j < people.length; j++) {
      const [a, b] = pairOf(people[i] as string, people[j] as string);
      await q.query(
        `INSERT INTO ops_agent_relationships (agent_a, agent_b, affinity, backstory) VALUES ($1, $2, 0.50, '') ON CONFLICT (agent_a, agent_b) DO NOTHING`,
        [a, b],
      );
      const cur = await q.query<{ affinity: number; driftLog: DriftLogEntry[] }>(
        'SELECT affinity, drift_log AS "driftLog" FROM ops_agent_relationships WHERE agent_a = $1 AND agent_b = $2 FOR UPDATE',
        [a, b],
      );
      const row = cur.rows[0];
      if (!row) continue;
      const d = byPair.get(pairKey(a, b));
      const drift = d?.drift ?? 0;
      const to = clampAffinity(row.affinity + drift);
      const log =
        drift !== 0
          ? [...row.driftLog, { at: opts.now, drift, reason: d?.reason ?? '', conversationId: opts.conversationId, affinity: to }].slice(-DRIFT_LOG_MAX)
          : row.driftLog;
      await q.query(
        `UPDATE ops_agent_relationships SET affinity = $3, drift_log = $4::jsonb, updated_at = $5,
           total_interactions = total_interactions + 1,
           positive_interactions = positive_interactions + $6, negative_interactions = negative_interactions + $7
         WHERE agent_a = $1 AND agent_b = $2`,
        [a, b, to, JSON.stringify(log), opts.now, drift > 0 ? 1 : 0, drift < 0 ? 1 : 0],
      );
      if (drift !== 0) applied.push({ a, b, drift, from: row.affinity, to });
    }
  }
  return applied;
}
