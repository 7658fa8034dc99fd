import type { Queryable } from '../db/db.js';
import { agentPausedSentence, type PauseState } from './pause.js';
import { getPolicy } from './policy.js';
import { startOfDay, iso } from './time.js';

export type GateResult = { ok: true } | { ok: false; gate: string; reason: string };

export interface GateInput {
  /** How many steps of this kind the proposal asks for. */
  count: number;
  /** Start of the user's day, ISO. */
  dayStart: string;
  /** Today's use, counted once for a batch of proposals decided in one transaction. */
  ledger?: QuotaLedger;
}

/**
 * Today's use of each capped step kind, read once per kind and then kept up to date by the
 * caller (`add`) as the proposals of one batch are accepted: the same answers the gates
 * would get from counting again, without counting again. Valid inside one transaction
 * that holds the gate lock.
 */
export class QuotaLedger {
  private readonly used = new Map<string, number>();
  constructor(readonly dayStart: string) {}

  async usedToday(q: Queryable, kinds: string[]): Promise<number> {
    let n = 0;
    for (const kind of kinds) {
      let used = this.used.get(kind);
      if (used === undefined) this.used.set(kind, (used = await usedToday(q, [kind], this.dayStart)));
      n += used;
    }
    return n;
  }

  /** An accepted proposal's steps now count against today's quotas. */
  add(kinds: readonly string[]): void {
    for (const kind of kinds) {
      const used = this.used.get(kind);
      if (used !== undefined) this.used.set(kind, used + 1);
    }
  }
}

type Gate = (q: Queryable, input: GateInput) => Promise<GateResult>;

/** Steps of `kinds` created since `dayStart` that did not end cancelled: what today's quota has used. */
async function usedToday(q: Queryable, kinds: string[], dayStart: string): Promise<number> {
  const res = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ops_mission_steps
     WHERE kind = ANY($1::text[]) AND created_at >= $2 AND status NOT IN ('cancelled')`,
    [kinds, dayStart],
  );
  return res.rows[0]?.n ?? 0;
}

function quotaGate(gate: string, kinds: string[], label: string, read: (q: Queryable) => Promise<{ enabled: boolean; limit: number }>): Gate {
  return async (q, input) => {
    const { enabled, limit } = await read(q);
    if (!enabled) return { ok: false, gate, reason: `${label} are turned off in policy.` };
    const used = input.ledger ? await input.ledger.usedToday(q, kinds) : await usedToday(q, kinds, input.dayStart);
    if (used + input.count > limit) {
      return { ok: false, gate, reason: `Quota full (${used}/${limit}): ${label.toLowerCase()} today.` };
    }
    return { ok: true };
  };
}

/** One cap gate per step kind that has a daily limit. Checked before anything is queued. */
export const stepKindGates: Record<string, Gate> = {
  write_content: quotaGate('content_policy', ['write_content'], 'Content drafts', async (q) => {
    const p = await getPolicy(q, 'content_policy');
    return { enabled: p.enabled, limit: p.max_drafts_per_day };
  }),
  post_tweet: quotaGate('x_daily_quota', ['post_tweet'], 'Posts to X', async (q) => ({
    enabled: true,
    limit: (await getPolicy(q, 'x_daily_quota')).limit,
  })),
  post_bluesky: quotaGate('bluesky_daily_quota', ['post_bluesky'], 'Posts to Bluesky', async (q) => ({
    enabled: true,
    limit: (await getPolicy(q, 'bluesky_daily_quota')).limit,
  })),
  crawl: quotaGate('crawl_policy', ['crawl'], 'Crawls', async (q) => {
    const p = await getPolicy(q, 'crawl_policy');
    return { enabled: p.enabled, limit: p.max_per_day };
  }),
  deploy: quotaGate('deploy_policy', ['deploy'], 'Deploys', async (q) => {
    const p = await getPolicy(q, 'deploy_policy');
    return { enabled: p.enabled, limit: p.max_per_day };
  }),
};

/** Runs the gate of every step kind in the proposal; the first refusal wins. */
export async function checkCapGates(q: Queryable, kinds: string[], nowMs: number, timeZone: string, ledger?: QuotaLedger): Promise<GateResult> {
  const dayStart = ledger?.dayStart ?? iso(startOfDay(nowMs, timeZone));
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const [kind, count] of counts) {
    const gate = stepKindGates[kind];
    if (!gate) continue;
    const res = await gate(q, { count, dayStart, ledger });
    if (!res.ok) return res;
  }
  return { ok: true };
}

/** The agent_paused gate: a paused agent's proposals are refused with the reason it was paused for. */
export function checkAgentPaused(pause: PauseState, agent: { id: string; displayName: string }): GateResult {
  const paused = pause.agents.find((a) => a.agentId === agent.id);
  return paused ? { ok: false, gate: 'agent_paused', reason: agentPausedSentence(agent.displayName, paused.reason) } : { ok: true };
}
