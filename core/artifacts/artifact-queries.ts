import type { z } from 'zod';
import type { artifactCalls, artifactFull, artifactSummary } from '../api/artifact-calls.js';
import type { Queryable } from '../db/db.js';

type Summary = z.infer<typeof artifactSummary>;
type Full = z.infer<typeof artifactFull>;
type ListInput = z.output<(typeof artifactCalls)['artifacts.list']['input']>;

const EXCERPT = 240;
const SUMMARY_COLUMNS = `a.id, a.kind, a.title, left(a.content, ${EXCERPT}) AS excerpt, length(a.content)::int AS chars, a.agent_id AS "agentId",
  a.mission_id::int AS "missionId", a.step_id::int AS "stepId", a.parent_id::int AS "parentId", a.version, a.created_at AS "createdAt"`;

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const summary = (r: Summary): Summary => ({ ...r, id: Number(r.id), createdAt: iso(r.createdAt) });

/** Newest first, keyset-paged by id; by default only the newest version of each artifact. */
export async function listArtifacts(q: Queryable, input: ListInput): Promise<{ items: Summary[]; nextCursor: number | null }> {
  const limit = input.limit ?? 50;
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown): void => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (input.agentId) add('a.agent_id = ?', input.agentId);
  if (input.kind) add('a.kind = ?', input.kind);
  if (input.missionId) add('a.mission_id = ?', input.missionId);
  if (input.cursor) add('a.id < ?', input.cursor);
  if (input.q) add(`(a.title ILIKE ? OR a.content ILIKE $${params.length + 1})`, `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (!input.allVersions) where.push('NOT EXISTS (SELECT 1 FROM ops_artifacts c WHERE c.parent_id = a.id)');
  params.push(limit + 1);
  const res = await q.query<Summary>(
    `SELECT ${SUMMARY_COLUMNS} FROM ops_artifacts a ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT $${params.length}`,
    params,
  );
  const rows = res.rows.map(summary);
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? (items[items.length - 1]?.id ?? null) : null };
}

export async function readArtifact(q: Queryable, id: number): Promise<Full | null> {
  const res = await q.query<Full & { excerpt?: string }>(
    `SELECT ${SUMMARY_COLUMNS}, a.content, a.meta FROM ops_artifacts a WHERE a.id = $1`,
    [id],
  );
  const row = res.rows[0];
  if (!row) return null;
  const { excerpt: _e, ...rest } = row;
  return { ...rest, id: Number(rest.id), createdAt: iso(rest.createdAt) };
}

/** Every version in the chain an artifact belongs to (its ancestors and descendants), oldest first. */
export async function artifactVersions(q: Queryable, id: number): Promise<Pick<Summary, 'id' | 'version' | 'createdAt' | 'agentId' | 'title'>[]> {
  const res = await q.query<Pick<Summary, 'id' | 'version' | 'createdAt' | 'agentId' | 'title'>>(
    `WITH RECURSIVE up AS (
       SELECT id, parent_id FROM ops_artifacts WHERE id = $1
       UNION ALL SELECT p.id, p.parent_id FROM ops_artifacts p JOIN up ON p.id = up.parent_id
     ), root AS (SELECT id FROM up WHERE parent_id IS NULL),
     down AS (
       SELECT a.id FROM ops_artifacts a JOIN root ON a.id = root.id
       UNION ALL SELECT c.id FROM ops_artifacts c JOIN down ON c.parent_id = down.id
     )
     SELECT a.id, a.version, a.created_at AS "createdAt", a.agent_id AS "agentId", a.title
     FROM ops_artifacts a JOIN down ON a.id = down.id ORDER BY a.version, a.id`,
    [id],
  );
  return res.rows.map((r) => ({ ...r, id: Number(r.id), createdAt: iso(r.createdAt) }));
}
