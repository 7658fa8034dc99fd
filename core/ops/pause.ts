/**
 * Pausing the company (runtime.pause / runtime.resume) and one agent
 * (agents.setPaused). The state lives in two small tables (migration 006) so
 * it survives a restart and is shared by every process on one database; the
 * engine keeps a copy on its context (ctx.pause) that loops read without a
 * query: changes made in this process are seen at once, changes made by
 * another process (PostgreSQL) within `cacheMs` (1 s). A PGlite folder has one
 * owner (the folder lock), so there the copy is never re-read.
 */
import type { z } from 'zod';
import type { pauseState } from '../api/data-calls.js';
import type { Queryable } from '../db/db.js';
import { afterCommit } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import { requireAgent } from './agents.js';
import type { EngineCtx } from './ctx.js';
import { writeEvent } from './events.js';

export type PauseState = z.infer<typeof pauseState>;

export const NOT_PAUSED: PauseState = Object.freeze({ paused: false, reason: null, since: null, by: null, agents: [] }) as PauseState;

/** The engine's in-memory copy of the pause state, refreshed from the database at most every `cacheMs`. */
export class PauseFlag {
  private state: PauseState = NOT_PAUSED;
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<PauseState> | null = null;
  private version = 0;

  constructor(private readonly cacheMs = 1000) {}

  /** The last state read or written, without I/O. */
  get snapshot(): PauseState {
    return this.state;
  }

  /** Ids of the agents paused one by one, from the last snapshot. */
  get pausedAgentIds(): string[] {
    return this.state.agents.map((a) => a.agentId);
  }

  set(state: PauseState, nowMs: number): void {
    this.state = state;
    this.readAt = nowMs;
    this.version++;
  }

  /** The current state: the cached copy while fresh, else one read of the database. */
  async current(ctx: EngineCtx): Promise<PauseState> {
    const now = ctx.clock.now();
    if (now - this.readAt < this.cacheMs) return this.state;
    const started = this.version;
    this.reading ??= readPauseState(ctx.db)
      .then((s) => {
        // A pause or resume written here while the read was under way is newer: keep it.
        if (this.version !== started) return this.state;
        this.set(s, now);
        return s;
      })
      .finally(() => {
        this.reading = null;
      });
    return this.reading;
  }
}

/** The pause state as loops see it; a context built without a flag (some unit tests) is never paused. */
export function currentPause(ctx: EngineCtx): Promise<PauseState> {
  return ctx.pause ? ctx.pause.current(ctx) : Promise.resolve(NOT_PAUSED);
}

export async function readPauseState(q: Queryable): Promise<PauseState> {
  // One round trip: loops on PostgreSQL re-read this about once a second.
  const res = await q.query<{ company: { paused: boolean; reason: string | null; by: string | null; since: string | null } | null; agents: { agentId: string; reason: string | null; since: string }[] }>(
    `SELECT (SELECT json_build_object('paused', paused, 'reason', reason, 'by', paused_by, 'since', since) FROM ops_runtime_pause WHERE id) AS company,
            (SELECT coalesce(json_agg(json_build_object('agentId', agent_id, 'reason', reason, 'since', since) ORDER BY since, agent_id), '[]'::json) FROM ops_agent_pause) AS agents`,
  );
  const row = res.rows[0];
  const c = row?.company ?? null;
  return {
    paused: c?.paused ?? false,
    reason: c?.paused ? c.reason : null,
    since: c?.paused ? iso(c.since) : null,
    by: c?.paused ? c.by : null,
    agents: (row?.agents ?? []).map((a) => ({ agentId: a.agentId, reason: a.reason, since: iso(a.since) as string })),
  };
}

function iso(t: string | Date | null): string | null {
  if (t === null) return null;
  return new Date(t).toISOString();
}

/** Pauses or resumes the whole company. Idempotent: pausing a paused company keeps its first reason and time. */
export async function setCompanyPaused(ctx: EngineCtx, paused: boolean, opts: { reason?: string; by?: string } = {}): Promise<PauseState> {
  return ctx.db.transaction(async (tx) => {
    const now = isoNow(ctx.clock);
    const before = await readPauseState(tx);
    if (before.paused === paused) return before;
    await tx.query(
      `INSERT INTO ops_runtime_pause (id, paused, reason, paused_by, since, updated_at) VALUES (true, $1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET paused = EXCLUDED.paused, reason = EXCLUDED.reason, paused_by = EXCLUDED.paused_by,
         since = EXCLUDED.since, updated_at = EXCLUDED.updated_at`,
      [paused, paused ? (opts.reason ?? null) : null, paused ? (opts.by ?? 'user') : null, paused ? now : null, now],
    );
    await writeEvent(ctx, tx, paused
      ? {
          kind: 'company_paused',
          title: 'The company is paused',
          summary: `${opts.reason ? `${opts.reason}. ` : ''}Nothing new is taken on until it is resumed; work already running finishes.`,
          tags: ['runtime', 'paused'],
          payload: { reason: opts.reason ?? null, by: opts.by ?? 'user' },
        }
      : { kind: 'company_resumed', title: 'The company is back at work', tags: ['runtime', 'resumed'], payload: { pausedSince: before.since } });
    return publishAfterCommit(ctx, tx);
  });
}

/** Pauses or resumes one agent: while paused, the agent_paused gate refuses its proposals and its queued work waits. */
export async function setAgentPaused(ctx: EngineCtx, agentId: string, paused: boolean, reason?: string): Promise<PauseState> {
  return ctx.db.transaction(async (tx) => {
    const agent = await requireAgent(tx, agentId);
    const now = isoNow(ctx.clock);
    const res = paused
      ? await tx.query('INSERT INTO ops_agent_pause (agent_id, reason, since) VALUES ($1, $2, $3) ON CONFLICT (agent_id) DO NOTHING', [agentId, reason ?? null, now])
      : await tx.query('DELETE FROM ops_agent_pause WHERE agent_id = $1', [agentId]);
    if (res.rowCount > 0) {
      await writeEvent(ctx, tx, {
        agentId,
        kind: paused ? 'agent_paused' : 'agent_resumed',
        title: paused ? `${agent.displayName} is paused` : `${agent.displayName} is back at work`,
        summary: paused ? `${reason ? `${reason}. ` : ''}Its proposals are refused and its queued work waits until it is resumed.` : '',
        tags: ['runtime', 'agent', paused ? 'paused' : 'resumed'],
        payload: { reason: reason ?? null },
      });
    }
    return publishAfterCommit(ctx, tx);
  });
}

/** The refusal sentence of the agent_paused gate: "Opus is paused: <reason>". */
export function agentPausedSentence(displayName: string, reason: string | null): string {
  return reason ? `${displayName} is paused: ${reason}` : `${displayName} is paused.`;
}

async function publishAfterCommit(ctx: EngineCtx, tx: Queryable): Promise<PauseState> {
  const state = await readPauseState(tx);
  afterCommit(tx, () => {
    ctx.pause?.set(state, ctx.clock.now());
    ctx.bus.publish({ type: 'runtime', state });
  });
  return state;
}

