import { z } from 'zod';
import { AppError } from '../api/errors.js';
import { afterCommit, type Queryable } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import type { EngineCtx } from './ctx.js';
import { countWhere, idAtOrBefore } from './event-position.js';

export const eventInput = z.object({
  agentId: z.string().nullable().optional(),
  kind: z.string().min(1).max(60),
  title: z.string().min(1).max(300),
  summary: z.string().max(4000).optional(),
  tags: z.array(z.string().min(1).max(60)).max(20).optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
  missionId: z.number().int().nullable().optional(),
  stepId: z.number().int().nullable().optional(),
  proposalId: z.number().int().nullable().optional(),
});
export type EventInput = z.infer<typeof eventInput>;

export interface EventRow {
  id: number;
  agentId: string | null;
  kind: string;
  title: string;
  summary: string;
  tags: string[];
  payload: Record<string, unknown>;
  missionId: number | null;
  stepId: number | null;
  proposalId: number | null;
  createdAt: string;
}

export const EVENT_COLUMNS =
  'id, agent_id AS "agentId", kind, title, summary, tags, payload, mission_id AS "missionId", step_id AS "stepId", proposal_id AS "proposalId", created_at AS "createdAt"';

function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

/**
 * Writes an event, runs the event hooks (reaction matrix …) in the same
 * transaction, and publishes it on the bus once committed.
 */
export async function writeEvent(ctx: EngineCtx, q: Queryable, input: EventInput): Promise<EventRow> {
  const tags = [...new Set((input.tags ?? []).map((t) => t.toLowerCase()))].slice(0, 20);
  const res = await q.query<EventRow>(
    `INSERT INTO ops_agent_events (agent_id, kind, title, summary, tags, payload, mission_id, step_id, proposal_id, created_at)
     VALUES ($1, $2, $3, $4, $5::text[], $6::jsonb, $7, $8, $9, $10)
     RETURNING ${EVENT_COLUMNS}`,
    [
      input.agentId ?? null,
      input.kind,
      clip(input.title, 300),
      clip(input.summary ?? '', 4000),
      tags,
      JSON.stringify(input.payload ?? {}),
      input.missionId ?? null,
      input.stepId ?? null,
      input.proposalId ?? null,
      isoNow(ctx.clock),
    ],
  );
  const row = res.rows[0] as EventRow;
  for (const hook of ctx.eventHooks) await hook(ctx, q, row);
  afterCommit(q, () => ctx.bus.publish({ type: 'event', event: row }));
  return row;
}

export interface EventPageQuery {
  limit?: number;
  cursor?: string | null;
  agentId?: string;
  kind?: string;
  tag?: string;
  q?: string;
  missionId?: number;
  /** 'newer': the page just newer than the cursor (or the oldest page without one); default older. */
  direction?: 'older' | 'newer';
  /** Start at the newest event written at or before this instant (jump to a date). */
  before?: string;
  /** Also count: every matching event (total), and those newer than this page (newerCount). */
  withTotal?: boolean;
}

export interface EventPage {
  items: EventRow[];
  nextCursor: string | null;
  /** direction 'newer': the cursor for the next newer page, null at the newest. */
  prevCursor?: string | null;
  total?: number;
  newerCount?: number;
}

/**
 * Newest first, keyset-paginated on id. The cursor is the last id seen;
 * `direction: 'newer'` pages the other way, `before` starts at a date.
 *
 * Text search (older pages) runs in two steps so that its cost does not depend
 * on how the planner guesses a word's frequency: first the newest events that
 * pass the other filters (a window of WINDOW_PER_ROW × the page) are matched —
 * enough for a common word; when that window does not fill the page (a rare
 * word), the full-text index is read on its own (a bitmap scan of the matches
 * older than the window, the newest of them kept).
 */
export async function pageEvents(q: Queryable, query: EventPageQuery): Promise<EventPage> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  const newer = query.direction === 'newer';
  let cursor: number | null = null;
  if (query.cursor) {
    const id = Number(query.cursor);
    if (!Number.isSafeInteger(id) || id < 0) throw new AppError('invalid_input', 'The page cursor is not valid; start again without one.');
    cursor = id;
  } else if (query.before && !newer) {
    const at = await idAtOrBefore(q, query.before);
    // Nothing that early: the page is empty.
    cursor = at === null ? 0 : at + 1;
  }
  if (query.agentId) add('agent_id = ?', query.agentId);
  if (query.kind) add('kind = ?', query.kind);
  if (query.tag) add('tags @> ARRAY[?]::text[]', query.tag.toLowerCase());
  if (query.missionId !== undefined) add('mission_id = ?', query.missionId);
  const text = query.q?.trim() || null;
  // What a total counts: the filters and the text, not the cursor.
  const filters = [...where, ...(text ? [`search @@ plainto_tsquery('simple', $${params.length + 1})`] : [])];
  const filterParams = [...params, ...(text ? [text] : [])];
  if (cursor !== null) add(newer ? 'id > ?' : 'id < ?', cursor);
  let page: EventPage;
  if (text && !newer) {
    page = olderPage(await searchOlder(q, where, params, text, limit), limit);
  } else {
    if (text) add("search @@ plainto_tsquery('simple', ?)", text);
    params.push(limit + 1);
    const sql = `SELECT ${EVENT_COLUMNS} FROM ops_agent_events
      ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY id ${newer ? 'ASC' : 'DESC'} LIMIT $${params.length}`;
    const res = await q.query<EventRow>(sql, params);
    page = newer ? newerPage(res.rows, limit, cursor) : olderPage(res.rows, limit);
  }
  if (query.withTotal) {
    page.total = await countWhere(q, filters, filterParams);
    const first = page.items[0];
    page.newerCount = first ? await countWhere(q, [...filters, `id > $${filterParams.length + 1}`], [...filterParams, first.id]) : cursor === null || newer ? 0 : page.total;
  }
  return page;
}

/** The newest limit+1 events older than the cursor (already in `where`) that match `text`, in two steps (see pageEvents). */
async function searchOlder(q: Queryable, where: string[], params: unknown[], text: string, limit: number): Promise<EventRow[]> {
  const cond = (extra: string[] = []): string => (where.length + extra.length ? 'WHERE ' + [...where, ...extra].join(' AND ') : '');
  const window = (limit + 1) * WINDOW_PER_ROW;
  const t = params.length + 1;
  // The window's matches, and its oldest row (rn = window) whether it matches or not: where the
  // index has to be read on its own, it is read from there down. The window is read newest
  // first off the primary key and stops at its size; no row of it is kept beyond this pass.
  const recent = await q.query<EventRow & { hit: boolean; rn: number }>(
    `SELECT ${EVENT_COLUMNS}, search @@ plainto_tsquery('simple', $${t}) AS hit, rn
     FROM (SELECT w.*, row_number() OVER (ORDER BY id DESC) AS rn
           FROM (SELECT * FROM ops_agent_events ${cond()} ORDER BY id DESC LIMIT $${t + 1}) w) r
     WHERE search @@ plainto_tsquery('simple', $${t}) OR rn = $${t + 1}
     ORDER BY id DESC LIMIT $${t + 2}`,
    [...params, text, window, limit + 2],
  );
  const first = recent.rows.filter((r) => r.hit).slice(0, limit + 1);
  const oldest = recent.rows.find((r) => Number(r.rn) === window);
  // the page is full, or the window already held every event that passes the filters
  if (first.length > limit || !oldest) return first.map(stripMeta);
  // The matches older than the window straight from the full-text index (a bitmap scan: the
  // subquery has no order for the planner to walk the primary key by), the newest of them kept.
  const rest = await q.query<EventRow>(
    `SELECT * FROM (SELECT ${EVENT_COLUMNS} FROM ops_agent_events ${cond([`search @@ plainto_tsquery('simple', $${t})`, `id < $${t + 1}`])} OFFSET 0) m
     ORDER BY id DESC LIMIT $${t + 2}`,
    [...params, text, oldest.id, limit + 1 - first.length],
  );
  return [...first.map(stripMeta), ...rest.rows];
}

/** Events matched in the newest window per row of the page before the full-text index is read on its own. */
const WINDOW_PER_ROW = 20;

function stripMeta(r: EventRow & { hit?: unknown; rn?: unknown }): EventRow {
  const { hit: _h, rn: _r, ...row } = r;
  return row;
}

function olderPage(rows: EventRow[], limit: number): EventPage {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? String(items[items.length - 1]?.id) : null };
}

function newerPage(rows: EventRow[], limit: number, cursor: number | null): EventPage {
  const items = rows.slice(0, limit).reverse();
  const prevCursor = rows.length > limit ? String(items[0]?.id) : null;
  // Older than this page: whatever lies at or below the cursor (none when it started from the oldest).
  const last = items[items.length - 1];
  return { items, prevCursor, nextCursor: cursor !== null && last ? String(last.id) : null };
}
