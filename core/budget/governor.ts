import { AppError } from '../api/errors.js';
import { afterCommit, STEP_QUEUED_CHANNEL, type Queryable } from '../db/db.js';
import type { CallMeta, LlmGuard } from '../llm/llm-service.js';
import type { EngineCtx, EventHook, EventShape } from '../ops/ctx.js';
import { writeEvent, type EventRow } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import { isoNow } from '../ports/clock.js';
import { INITIATIVE_WAKE } from '../initiative/queue.js';
import { ROUNDTABLE_WAKE } from '../roundtable/queue.js';
import { measure, wantedLines, type BudgetLine, type Subject } from './limits.js';
import { periodsAt } from './periods.js';
import { estimateTokens, release, reserve, RESERVE_LOCK, secondsPerToken } from './reservations.js';

/** The trigger rule whose proposal a step belongs to, if any. */
export async function ruleOfStep(q: Queryable, stepId: number): Promise<{ id: number; name: string } | null> {
  const res = await q.query<{ id: number; name: string }>(
    `SELECT r.id::int AS id, r.name FROM ops_mission_steps s
       JOIN ops_missions m ON m.id = s.mission_id
       JOIN ops_trigger_decisions d ON d.proposal_id = m.proposal_id
       JOIN ops_trigger_rules r ON r.id = d.rule_id
     WHERE s.id = $1 LIMIT 1`,
    [stepId],
  );
  return res.rows[0] ?? null;
}

function whose(l: BudgetLine, ruleName: string | null): string {
  if (l.scope === 'agent') return `${l.scopeId}'s daily`;
  if (l.scope === 'rule') return `The trigger rule "${ruleName ?? l.scopeId}"'s daily`;
  return l.period === 'month' ? "The company's monthly" : "The company's daily";
}

function amount(l: BudgetLine): string {
  const f = (n: number): string => (l.unit === 'tokens' ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
  return `${f(l.spent)} of ${f(l.budget)} ${l.unit === 'tokens' ? 'tokens' : 'LLM seconds'}`;
}

/** Announces a warning or a stop once per budget and period; returns whether this call announced it. */
async function alertOnce(ctx: EngineCtx, l: BudgetLine, level: 'warning' | 'exhausted', meta: CallMeta, ruleName: string | null): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const res = await tx.query(
      `INSERT INTO ops_budget_alerts (scope, scope_id, period_key, level, spent, budget, unit, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id`,
      [l.scope, l.scopeId, l.periodKey, level, l.spent, l.budget, l.unit, isoNow(ctx.clock)],
    );
    if (res.rows.length === 0) return;
    const pct = Math.floor((l.spent / Math.max(1, l.budget)) * 100);
    await writeEvent(ctx, tx, {
      agentId: l.scope === 'agent' ? l.scopeId : meta.agentId,
      kind: level === 'warning' ? 'budget_warning' : 'budget_exhausted',
      title:
        level === 'warning'
          ? `${whose(l, ruleName)} ${l.unit === 'tokens' ? 'token' : 'LLM-time'} budget is ${pct}% used (${amount(l)})`
          : `${whose(l, ruleName)} ${l.unit === 'tokens' ? 'token' : 'LLM-time'} budget is used up (${amount(l)}); its LLM work is held`,
      summary:
        level === 'warning'
          ? `Set in ${l.setting}. At 100 % its LLM work waits.`
          : `Raise ${l.setting} or grant a one-off allowance (Models → Budget), and the held work resumes by itself.`,
      tags: ['budget', 'notification', level, l.scope],
      payload: { scope: l.scope, scopeId: l.scopeId, period: l.period, periodKey: l.periodKey, unit: l.unit, spent: l.spent, budget: l.budget, purpose: meta.purpose },
    });
  });
}

/** A call held only because calls in flight reserved the rest looks again this soon (they land in seconds). */
export const IN_FLIGHT_RECHECK_MS = 30_000;

/**
 * The budget governor: checks every LLM call (every HTTP request: a repair
 * turn, a retry and a fallback model too) right before it is sent. Past
 * warn_ratio a warning (once per period); at 100 % the call is refused with
 * 'budget_exhausted', which workers treat as "pause" (the step stays queued
 * with the reason) and conversations as "skip that speaker or wait".
 *
 * The check and a reservation of the call's estimated use are one critical
 * section (see reservations.ts), so calls sent at once cannot all pass a
 * budget that admits one; the reservation is dropped once the call's real use
 * is recorded.
 */
export function budgetGuard(ctx: EngineCtx): LlmGuard {
  return async (meta, req) => {
    const rule = meta.stepId ? await ruleOfStep(ctx.db, meta.stepId) : null;
    const policy = await cachedPolicy(ctx, 'budget_policy');
    if (!policy.enabled) return { ruleId: rule?.id ?? null };
    const subject: Subject = { agentId: meta.agentId, ruleId: rule?.id ?? null, ruleName: rule?.name ?? null };
    const wanted = wantedLines(policy, subject);
    if (wanted.length === 0) return { ruleId: subject.ruleId };
    const now = ctx.clock.now();
    const periods = periodsAt(now, (await cachedPolicy(ctx, 'timezone')).name);
    const tokens = estimateTokens(req);
    const seconds = wanted.some((w) => w.unit === 'seconds') ? tokens * (await secondsPerToken(ctx.db, periods.dayStart)) : 0;
    const { lines, over, reservation } = await ctx.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [RESERVE_LOCK]);
      const measured = await measure(tx, wanted, subject, periods, now);
      const full = measured.find((l) => l.spent + l.reserved >= l.budget);
      if (full) return { lines: measured, over: full, reservation: null };
      const id = await reserve(tx, { agentId: meta.agentId, ruleId: subject.ruleId, tokens, seconds, purpose: meta.purpose }, now);
      return { lines: measured, over: null, reservation: id };
    });
    for (const l of lines) {
      if (l !== over && l.spent < l.budget && l.spent >= policy.warn_ratio * l.budget) await alertOnce(ctx, l, 'warning', meta, subject.ruleName);
    }
    if (over) {
      const what = `${whose(over, subject.ruleName)} ${over.unit === 'tokens' ? 'token' : 'LLM-time'} budget`;
      if (over.spent < over.budget) {
        // not used up yet: calls in flight reserved the rest; their real use decides
        throw new AppError(
          'budget_exhausted',
          `${what} is taken by calls in progress (${amount(over)}, ${reservedText(over)}). The work waits for them to finish.`,
          { scope: over.scope, scopeId: over.scopeId, period: over.period, unit: over.unit, spent: over.spent, reserved: over.reserved, budget: over.budget, retryInMs: Math.min(IN_FLIGHT_RECHECK_MS, policy.recheck_seconds * 1000) },
        );
      }
      await alertOnce(ctx, over, 'exhausted', meta, subject.ruleName);
      const untilNewDay = periods.dayEnd - now;
      const retryInMs = Math.max(1000, over.period === 'day' ? Math.min(policy.recheck_seconds * 1000, untilNewDay) : policy.recheck_seconds * 1000);
      throw new AppError(
        'budget_exhausted',
        `${what} is used up (${amount(over)}). ` +
          `The work waits until you raise ${over.setting} or grant an allowance${over.period === 'day' ? ', or the day ends' : ''}.`,
        { scope: over.scope, scopeId: over.scopeId, period: over.period, unit: over.unit, spent: over.spent, budget: over.budget, retryInMs },
      );
    }
    const id = reservation as number;
    return { ruleId: subject.ruleId, settle: () => release(ctx.db, id) };
  };
}

function reservedText(l: BudgetLine): string {
  return l.unit === 'tokens' ? `${Math.round(l.reserved).toLocaleString('en-US')} more reserved` : `${l.reserved.toFixed(1)} more seconds reserved`;
}

/** Steps held by a budget become due now (after a raise or an allowance); they re-check on their next claim. */
export async function releaseHeld(ctx: EngineCtx, q: Queryable): Promise<number> {
  const now = isoNow(ctx.clock);
  const res = await q.query<{ kind: string }>(
    `UPDATE ops_mission_steps SET run_after = $1 WHERE status = 'queued' AND error_code = 'budget_exhausted' AND run_after > $1 RETURNING kind`,
    [now],
  );
  const kinds = [...new Set(res.rows.map((r) => r.kind))];
  for (const kind of kinds) {
    if (ctx.db.kind === 'postgres') await q.query('SELECT pg_notify($1, $2)', [STEP_QUEUED_CHANNEL, kind]);
    afterCommit(q, () => ctx.bus.wake(kind));
  }
  afterCommit(q, () => {
    ctx.bus.wake(ROUNDTABLE_WAKE);
    ctx.bus.wake(INITIATIVE_WAKE);
  });
  return res.rows.length;
}

/** A change to budget_policy releases held work at once. */
export const releaseOnBudgetChange: EventHook = Object.assign(
  async (ctx: EngineCtx, q: Queryable, ev: EventRow): Promise<void> => {
    if (ev.kind === 'policy_changed' && ev.payload['key'] === 'budget_policy') await releaseHeld(ctx, q);
  },
  // only policy changes: a step's completion needs no transaction for this hook
  { wants: async (_ctx: EngineCtx, ev: EventShape) => ev.kind === 'policy_changed' },
);
