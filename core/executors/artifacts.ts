import { AppError } from '../api/errors.js';
import type { Queryable } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { isoNow } from '../ports/clock.js';

/** What executors leave behind; one row in ops_artifacts. */
export const artifactKinds = ['document', 'analysis', 'crawl', 'draft', 'post', 'note'] as const;
export type ArtifactKind = (typeof artifactKinds)[number];

export interface ArtifactInput {
  kind: ArtifactKind;
  title: string;
  content: string;
  meta?: Record<string, unknown>;
  agentId: string | null;
  missionId: number | null;
  stepId: number | null;
  /** The artifact this one revises; its version becomes the parent's + 1. */
  parentId?: number | null;
}

export interface ArtifactRow {
  id: number;
  kind: ArtifactKind;
  title: string;
  content: string;
  meta: Record<string, unknown>;
  agentId: string | null;
  missionId: number | null;
  stepId: number | null;
  parentId: number | null;
  version: number;
  createdAt: string;
}

export const ARTIFACT_COLUMNS =
  'id, kind, title, content, meta, agent_id AS "agentId", mission_id AS "missionId", step_id AS "stepId", parent_id AS "parentId", version, created_at AS "createdAt"';

/** Stores an artifact (timestamped by the engine's clock) and returns its row. */
export async function saveArtifact(ctx: EngineCtx, q: Queryable, input: ArtifactInput): Promise<ArtifactRow> {
  let version = 1;
  const parentId = input.parentId ?? null;
  if (parentId !== null) {
    const parent = await q.query<{ version: number }>('SELECT version FROM ops_artifacts WHERE id = $1', [parentId]);
    const row = parent.rows[0];
    if (!row) throw new AppError('not_found', `There is no artifact #${parentId} to make a new version of.`);
    version = row.version + 1;
  }
  const res = await q.query<ArtifactRow>(
    `INSERT INTO ops_artifacts (kind, title, content, meta, agent_id, mission_id, step_id, parent_id, version, created_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10)
     RETURNING ${ARTIFACT_COLUMNS}`,
    [
      input.kind,
      input.title,
      input.content,
      JSON.stringify(input.meta ?? {}),
      input.agentId,
      input.missionId,
      input.stepId,
      parentId,
      version,
      isoNow(ctx.clock),
    ],
  );
  return res.rows[0] as ArtifactRow;
}

export async function getArtifact(q: Queryable, id: number): Promise<ArtifactRow | null> {
  const res = await q.query<ArtifactRow>(`SELECT ${ARTIFACT_COLUMNS} FROM ops_artifacts WHERE id = $1`, [id]);
  return res.rows[0] ?? null;
}

/** Artifacts a mission produced, oldest first. */
export async function missionArtifacts(q: Queryable, missionId: number): Promise<ArtifactRow[]> {
  const res = await q.query<ArtifactRow>(`SELECT ${ARTIFACT_COLUMNS} FROM ops_artifacts WHERE mission_id = $1 ORDER BY id`, [missionId]);
  return res.rows;
}
