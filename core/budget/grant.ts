import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import { isoNow } from '../ports/clock.js';
import { releaseHeld } from './governor.js';
import { periodsAt } from './periods.js';

export interface Grant {
  scope: 'agent' | 'company' | 'rule';
  scopeId: string;
  period: 'day' | 'month';
  tokens: number;
  seconds: number;
  reason?: string | undefined;
}

/** A one-off allowance on top of a budget for the current day or month; held work resumes at once. */
export async function grantAllowance(ctx: EngineCtx, g: Grant): Promise<{ id: number; periodKey: string; released: number }> {
  const p = periodsAt(ctx.clock.now(), (await cachedPolicy(ctx, 'timezone')).name);
  const periodKey = g.period === 'day' ? p.dayKey : p.monthKey;
  const scopeId = g.scope === 'company' ? '' : g.scopeId;
  return ctx.db.transaction(async (tx) => {
    const now = isoNow(ctx.clock);
    const res = await tx.query<{ id: number }>(
      `INSERT INTO ops_budget_allowances (scope, scope_id, period, period_key, tokens, seconds, reason, granted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::int AS id`,
      [g.scope, scopeId, g.period, periodKey, g.tokens, g.seconds, g.reason ?? null, now],
    );
    const released = await releaseHeld(ctx, tx);
    await writeEvent(ctx, tx, {
      agentId: g.scope === 'agent' ? scopeId : null,
      kind: 'budget_allowance',
      title: `Allowance granted: ${g.tokens ? `${g.tokens.toLocaleString('en-US')} tokens` : ''}${g.tokens && g.seconds ? ' and ' : ''}${g.seconds ? `${g.seconds} LLM seconds` : ''} for ${g.scope === 'company' ? 'the company' : scopeId} (${periodKey})`,
      summary: g.reason ?? (released ? `${released} held step(s) resume.` : ''),
      tags: ['budget', 'allowance', g.scope],
      payload: { ...g, scopeId, periodKey, released },
    });
    return { id: (res.rows[0] as { id: number }).id, periodKey, released };
  });
}
