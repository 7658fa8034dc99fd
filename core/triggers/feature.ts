import { AppError, describeIssues } from '../api/errors.js';
import { triggerCalls } from '../api/trigger-calls.js';
import type { Feature, FeatureEnv } from '../feature.js';
import { isoNow } from '../ports/clock.js';
import type { EngineCtx } from '../ops/ctx.js';
import { evaluateTriggers, runRule } from './evaluate.js';
import { promoteInsights } from './insights.js';
import { learnFromOutcomes } from './outcomes.js';
import { processReactionQueue, reactionMatrixHook } from './reactions.js';
import { schemasFor } from './rule-schemas.js';
import { seedTriggerRules } from './rules-seed.js';
import { getRule, RULE_COLUMNS, type RuleRow } from './rules.js';

/** Trigger rules, the reaction matrix, insight promotion and outcome learning. */
export function triggerFeature(env: FeatureEnv): Feature<typeof triggerCalls> {
  const { ctx } = env;
  return {
    name: 'triggers',
    seed: (q, now) => seedTriggerRules(q, now),
    heartbeatJobs: [
      { name: 'evaluate_triggers', run: (c) => evaluateTriggers(c) },
      { name: 'process_reactions', run: (c) => processReactionQueue(c) },
      { name: 'promote_insights', run: (c) => promoteInsights(c) },
      { name: 'learn_from_outcomes', run: (c) => learnFromOutcomes(c) },
    ],
    eventHooks: [reactionMatrixHook],
    handlers: {
      'triggers.list': () => listWithSkipReasons(ctx),
      'triggers.decisions': async ({ ruleId, limit }) => {
        const res = await ctx.db.query<never>(
          `SELECT d.id, d.rule_id AS "ruleId", r.name AS "ruleName", d.decision, d.reason, d.topic, d.memory_influenced AS "memoryInfluenced",
                  d.memory_id AS "memoryId", d.proposal_id AS "proposalId", d.manual, d.created_at AS "createdAt"
           FROM ops_trigger_decisions d JOIN ops_trigger_rules r ON r.id = d.rule_id
           WHERE ($1::bigint IS NULL OR d.rule_id = $1) ORDER BY d.id DESC LIMIT $2`,
          [ruleId ?? null, limit ?? 100],
        );
        return res.rows;
      },
      'triggers.runNow': async ({ id }) => {
        const rule = await getRule(ctx.db, id);
        if (!rule) throw new AppError('not_found', `There is no trigger rule #${id}.`);
        const out = await runRule(ctx, rule, { manual: true, cache: new Map() });
        const decision = { fired: 'fired', skipped: 'skipped', rejected: 'rejected', noMatch: 'no_match', errors: 'error' }[out.bucket];
        return { decision, reason: out.reason, ...(out.proposalId ? { proposalId: out.proposalId } : {}) };
      },
      'triggers.update': async (input) => {
        const rule = await getRule(ctx.db, input.id);
        if (!rule) throw new AppError('not_found', `There is no trigger rule #${input.id}.`);
        const schemas = schemasFor(rule.kind, rule.triggerEvent);
        const conditions = input.conditions ?? rule.conditions;
        const action = input.actionConfig ?? rule.actionConfig;
        const c = schemas.conditions.safeParse(conditions);
        if (!c.success) throw new AppError('invalid_input', `The conditions of "${rule.name}" are not valid: ${describeIssues(c.error.issues)}.`);
        const a = schemas.action.safeParse(action);
        if (!a.success) throw new AppError('invalid_input', `The action of "${rule.name}" is not valid: ${describeIssues(a.error.issues)}.`);
        await ctx.db.query(
          `UPDATE ops_trigger_rules SET enabled = $2, cooldown_minutes = $3, conditions = $4::jsonb, action_config = $5::jsonb, updated_at = $6 WHERE id = $1`,
          [rule.id, input.enabled ?? rule.enabled, input.cooldownMinutes ?? rule.cooldownMinutes, JSON.stringify(c.data), JSON.stringify(a.data), isoNow(ctx.clock)],
        );
        const all = await listWithSkipReasons(ctx);
        return all.find((r) => r.id === rule.id) as (typeof all)[number];
      },
      'reactions.list': async ({ limit }) => {
        const n = limit ?? 100;
        const reactions = await ctx.db.query<never>(
          `SELECT id, pattern_key AS "patternKey", source_event_id AS "sourceEventId", source_agent AS "sourceAgent", target_agent AS "targetAgent",
                  reaction_type AS "reactionType", status, proposal_id AS "proposalId", result, created_at AS "createdAt"
           FROM ops_agent_reactions ORDER BY id DESC LIMIT $1`,
          [n],
        );
        const rolls = await ctx.db.query<never>(
          `SELECT id, event_id AS "eventId", pattern_key AS "patternKey", target, roll, probability, outcome, created_at AS "createdAt"
           FROM ops_reaction_rolls ORDER BY id DESC LIMIT $1`,
          [n],
        );
        return { reactions: reactions.rows, rolls: rolls.rows };
      },
      'posts.list': async ({ limit }) => {
        const res = await ctx.db.query<never>(
          `SELECT id, platform, agent_id AS "agentId", text, url, posted_at AS "postedAt", likes, reposts, replies, metrics_at AS "metricsAt"
           FROM ops_posts ORDER BY id DESC LIMIT $1`,
          [limit ?? 100],
        );
        return res.rows;
      },
      'posts.recordMetrics': async ({ id, likes, reposts, replies }) => {
        const now = isoNow(ctx.clock);
        const res = await ctx.db.query<{ id: number; metricsAt: string }>(
          `UPDATE ops_posts SET likes = $2, reposts = $3, replies = $4, metrics_at = $5 WHERE id = $1 RETURNING id, metrics_at AS "metricsAt"`,
          [id, likes, reposts, replies, now],
        );
        const row = res.rows[0];
        if (!row) throw new AppError('not_found', `There is no post #${id}.`);
        return row;
      },
    },
  };
}

async function listWithSkipReasons(ctx: EngineCtx): Promise<(RuleRow & { skipReason: string | null })[]> {
  const res = await ctx.db.query<RuleRow & { skipReason: string | null }>(
    `SELECT ${RULE_COLUMNS.split(', ').map((c) => 'r.' + c).join(', ')},
            (SELECT CASE WHEN d.decision = 'skipped' THEN d.reason END FROM ops_trigger_decisions d WHERE d.rule_id = r.id ORDER BY d.id DESC LIMIT 1) AS "skipReason"
     FROM ops_trigger_rules r ORDER BY r.kind, r.id`,
  );
  return res.rows;
}
