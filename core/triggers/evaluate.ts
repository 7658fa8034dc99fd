import { readThrough } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import { randRange } from '../ports/random.js';
import type { EngineCtx } from '../ops/ctx.js';
import { cachedPolicy } from '../ops/policy.js';
import { createProposalAndMaybeAutoApprove, type ProposalRow } from '../ops/proposal-service.js';
import { iso, localHour } from '../ops/time.js';
import { reactiveCheckers, type Firing } from './checkers.js';
import { enrichTopicWithMemory, type MemoryCache } from './memory-influence.js';
import { isReactiveEvent, proactiveAction, proactiveConditions } from './rule-schemas.js';
import { listRules, markRule, recordDecision, type RuleRow } from './rules.js';

export interface EvaluationSummary {
  fired: string[];
  skipped: string[];
  rejected: string[];
  noMatch: string[];
  /** Still cooling down: the cheap check, no checker ran. */
  cooldown: string[];
  /** Budget ran out before these were reached; they go first next heartbeat. */
  notReached: string[];
  errors: string[];
  memoryInfluenced: number;
}

interface RunOpts {
  manual?: boolean;
  cache: MemoryCache;
  /** What the data looked like (see dataMark); a reactive rule that found nothing at the same mark finds nothing again. */
  mark?: string | null;
}

/**
 * Reactive rules that found nothing, and at which data mark. A reactive
 * checker looks for an unhandled event or post inside its lookback: with no
 * new event, no post measured and the rule unchanged, the answer can only stay
 * "nothing" (the window only loses rows, proposals only mark more as handled),
 * so the checker's query is not run again until the data moves.
 */
const quiet = new WeakMap<EngineCtx, Map<number, { mark: string; reason: string }>>();

/**
 * The newest event and the posts' measurements, in one cheap statement. Only on
 * PGlite: one process commits one transaction at a time there, so event ids
 * become visible in order; on PostgreSQL a lower id can commit after a higher
 * one has been seen, and every checker runs every time.
 */
async function dataMark(ctx: EngineCtx): Promise<string | null> {
  if (ctx.db.kind !== 'pglite') return null;
  const r = await readThrough<{ mark: string }>(
    ctx.db,
    `SELECT coalesce((SELECT max(id) FROM ops_agent_events), 0) || ':' ||
            (SELECT count(metrics_at) || ':' || coalesce(max(metrics_at)::text, '') || ':' || coalesce(sum(likes + 2 * reposts + 3 * replies), 0) FROM ops_posts) AS mark`,
    undefined,
    ['ops_agent_events', 'ops_posts'],
  );
  return r.rows[0]?.mark ?? null;
}

const fill = (v: unknown, topic: string): unknown =>
  typeof v === 'string' ? v.replaceAll('{topic}', topic) : Array.isArray(v) ? v.map((x) => fill(x, topic)) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, topic)])) : v;

/**
 * The heartbeat's trigger job: within the trigger budget (4 s), cheap
 * cooldown checks first, then each due rule's checker. Rules not reached keep
 * their place and go first next time.
 */
export async function evaluateTriggers(ctx: EngineCtx, budgetMs?: number): Promise<EvaluationSummary> {
  const hb = await cachedPolicy(ctx, 'heartbeat_policy');
  const budget = budgetMs ?? hb.trigger_budget_ms;
  const t0 = ctx.clock.perf();
  const nowMs = ctx.clock.now();
  const sum: EvaluationSummary = { fired: [], skipped: [], rejected: [], noMatch: [], cooldown: [], notReached: [], errors: [], memoryInfluenced: 0 };
  const cache: MemoryCache = new Map();
  let mark: string | null | undefined;
  for (const rule of await listRules(ctx.db, true)) {
    if (rule.nextEligibleAt && Date.parse(rule.nextEligibleAt) > nowMs) {
      sum.cooldown.push(rule.name);
      continue;
    }
    if (ctx.clock.perf() - t0 > budget) {
      sum.notReached.push(rule.name);
      continue;
    }
    if (rule.kind === 'reactive' && mark === undefined) mark = await dataMark(ctx);
    const out = await runRule(ctx, rule, { cache, mark: mark ?? null });
    sum[out.bucket].push(rule.name);
    if (out.memoryInfluenced) sum.memoryInfluenced++;
  }
  return sum;
}

type Bucket = 'fired' | 'skipped' | 'rejected' | 'noMatch' | 'errors';

/** Evaluates one rule now; with `manual`, ignores chance and active hours (the scheduler's "run now"). */
export async function runRule(ctx: EngineCtx, rule: RuleRow, opts: RunOpts): Promise<{ bucket: Bucket; reason: string; proposalId?: number; memoryInfluenced?: boolean }> {
  const now = isoNow(ctx.clock);
  const nowMs = ctx.clock.now();
  try {
    if (rule.kind === 'proactive') return await runProactive(ctx, rule, opts, nowMs, now);
    if (!isReactiveEvent(rule.triggerEvent)) throw new Error(`no checker for trigger_event "${rule.triggerEvent}"`);
    let memo = quiet.get(ctx);
    if (!memo) quiet.set(ctx, (memo = new Map()));
    const mark = opts.mark ? `${opts.mark}|${JSON.stringify([rule.conditions, rule.actionConfig])}` : null;
    const seen = mark && !opts.manual ? memo.get(rule.id) : undefined;
    if (seen && seen.mark === mark) {
      await noteNoMatch(ctx, rule, `no_match: ${seen.reason}`, nowMs, now);
      return { bucket: 'noMatch', reason: seen.reason };
    }
    const res = await reactiveCheckers[rule.triggerEvent]({ q: ctx.db, nowMs }, rule);
    if (res.fired || !mark) memo.delete(rule.id);
    else memo.set(rule.id, { mark, reason: res.reason });
    if (!res.fired) {
      await noteNoMatch(ctx, rule, `no_match: ${res.reason}`, nowMs, now);
      if (opts.manual) await recordDecision(ctx.db, { ruleId: rule.id, decision: 'no_match', reason: res.reason, manual: true }, now);
      return { bucket: 'noMatch', reason: res.reason };
    }
    return await fire(ctx, rule, res.firing, { now, nextEligibleAt: iso(nowMs + rule.cooldownMinutes * 60_000), manual: opts.manual ?? false });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    await recordDecision(ctx.db, { ruleId: rule.id, decision: 'error', reason, manual: opts.manual ?? false }, now);
    // an erroring rule waits a cooldown rather than failing every heartbeat
    await markRule(ctx.db, rule.id, { result: `error: ${reason}`, now, nextEligibleAt: iso(nowMs + Math.max(5, rule.cooldownMinutes) * 60_000) });
    return { bucket: 'errors', reason };
  }
}

async function runProactive(ctx: EngineCtx, rule: RuleRow, opts: RunOpts, nowMs: number, now: string) {
  const c = proactiveConditions.parse(rule.conditions);
  const a = proactiveAction.parse(rule.actionConfig);
  const jitterMs = randRange(ctx.random, c.jitter_minutes[0], c.jitter_minutes[1]) * 60_000;
  const nextEligibleAt = iso(nowMs + rule.cooldownMinutes * 60_000 + jitterMs);
  let chance: { roll: number; skipProbability: number } | undefined;
  if (!opts.manual) {
    const tz = (await cachedPolicy(ctx, 'timezone')).name;
    const hour = localHour(nowMs, tz);
    const [from, to] = c.active_hours;
    if (hour < from || hour >= to) {
      const reason = `outside active hours ${from}:00–${to}:00 (now ${hour}:00)`;
      await noteNoMatch(ctx, rule, `no_match: ${reason}`, nowMs, now);
      return { bucket: 'noMatch' as const, reason };
    }
    const roll = ctx.random.next();
    chance = { roll, skipProbability: c.skip_probability };
    if (roll < c.skip_probability) {
      const reason = `skipped by chance (rolled ${roll.toFixed(2)} < ${c.skip_probability})`;
      await recordDecision(ctx.db, { ruleId: rule.id, decision: 'skipped', reason, ...chance }, now);
      await markRule(ctx.db, rule.id, { result: `skipped: ${reason}`, now, nextEligibleAt });
      return { bucket: 'skipped' as const, reason };
    }
  }
  const base = c.topics[rule.topicIndex % c.topics.length] as string;
  const influence = await cachedPolicy(ctx, 'memory_influence_policy');
  const choice = await enrichTopicWithMemory(ctx.db, ctx.random, opts.cache, a.agent, base, c.topics, influence);
  const firing: Firing = {
    agentId: a.agent,
    title: a.title.replaceAll('{topic}', choice.topic).slice(0, 300),
    steps: [{ kind: a.step_kind, payload: fill(a.payload, choice.topic) as Record<string, unknown> }],
    sourceRef: `rule:${rule.name}`,
    topic: choice.topic,
  };
  const out = await fire(ctx, rule, firing, { now, nextEligibleAt, manual: opts.manual ?? false, advanceTopic: true, memory: choice, ...(chance ? { chance } : {}) });
  return { ...out, memoryInfluenced: choice.memoryInfluenced };
}

async function fire(
  ctx: EngineCtx,
  rule: RuleRow,
  f: Firing,
  o: { now: string; nextEligibleAt: string; manual: boolean; advanceTopic?: boolean; memory?: { memoryInfluenced: boolean; memoryId?: number }; chance?: { roll: number; skipProbability: number } },
): Promise<{ bucket: Bucket; reason: string; proposalId?: number }> {
  // The decision is written with the proposal, before its steps can be claimed: the budget of the
  // rule finds the rule of each LLM call through it (written after, a worker could call first).
  const decided = (p: ProposalRow): { rejected: boolean; reason: string } => {
    const rejected = p.status === 'rejected';
    return { rejected, reason: rejected ? (p.rejectionReason ?? 'rejected') : `proposal #${p.id} ${p.status}` };
  };
  const res = await createProposalAndMaybeAutoApprove(
    ctx,
    {
      agentId: f.agentId,
      title: f.title,
      steps: f.steps,
      source: 'trigger',
      sourceRef: f.sourceRef,
      description: `Proposed by the ${rule.kind} rule "${rule.name}"${o.memory?.memoryInfluenced ? ' (topic chosen from memory)' : ''}.`,
    },
    async (tx, p) => {
      const { rejected, reason } = decided(p);
      await recordDecision(
        tx,
        {
          ruleId: rule.id,
          decision: rejected ? 'rejected' : 'fired',
          reason,
          topic: f.topic ?? null,
          memoryInfluenced: o.memory?.memoryInfluenced ?? false,
          memoryId: o.memory?.memoryId ?? null,
          proposalId: p.id,
          manual: o.manual,
          ...o.chance,
        },
        o.now,
      );
    },
  );
  const p = res.proposal;
  const { rejected, reason } = decided(p);
  await markRule(ctx.db, rule.id, {
    result: rejected ? `rejected: ${reason}` : `fired: ${reason}`,
    now: o.now,
    fired: !rejected,
    nextEligibleAt: o.nextEligibleAt,
    advanceTopic: o.advanceTopic ?? false,
  });
  if (!rejected) ctx.log.info(`Rule ${rule.name} fired`, { proposal: p.id, memoryInfluenced: o.memory?.memoryInfluenced ?? false, memoryId: o.memory?.memoryId });
  return { bucket: rejected ? 'rejected' : 'fired', reason, proposalId: p.id };
}

/**
 * Records "nothing to do" on the rule, but only when it says something new or
 * the last note is over an hour old: most heartbeats find nothing, and the
 * inspector needs no write for each of them.
 */
async function noteNoMatch(ctx: EngineCtx, rule: RuleRow, result: string, nowMs: number, now: string): Promise<void> {
  const fresh = rule.lastEvaluatedAt !== null && nowMs - Date.parse(rule.lastEvaluatedAt) < 3_600_000;
  if (fresh && rule.lastResult === result) return;
  await markRule(ctx.db, rule.id, { result, now });
}
