import { autonomyCalls } from './api/autonomy-calls.js';
import { proposePostOnDraft } from './autopost/propose-post.js';
import { defaultFactories, readPostMetrics } from './autopost/read-metrics.js';
import { budgetGuard, releaseOnBudgetChange } from './budget/governor.js';
import { grantAllowance } from './budget/grant.js';
import { getBudgetStatus, getBudgetUsage } from './budget/status.js';
import { explainWhy } from './explain/why.js';
import { routinesPart } from './routines/feature.js';
import type { Feature, FeatureEnv, HandlersFor } from './feature.js';

/**
 * Issue 10 — a company you can leave running: the budget governor (a guard
 * on the one way to the model), routines, posts that wait for a yes, and
 * "why does this exist".
 */
export function autonomyFeature(env: FeatureEnv): Feature<typeof autonomyCalls> {
  const { ctx } = env;
  env.llm?.addGuard(budgetGuard(ctx));
  const routines = routinesPart(env);
  const factories = defaultFactories();
  const handlers: HandlersFor<typeof autonomyCalls> = {
    'budget.status': () => getBudgetStatus(ctx),
    'budget.usage': ({ days }) => getBudgetUsage(ctx, days ?? 1),
    'budget.grant': (g) => grantAllowance(ctx, g),
    ...routines.handlers,
    'explain.why': (w) => explainWhy(ctx.db, w),
  };
  return {
    name: 'autonomy',
    seed: (q, now) => routines.seed(q, now),
    executors: routines.executors,
    heartbeatJobs: [...routines.heartbeatJobs, { name: 'read_post_metrics', run: (c) => readPostMetrics(c, factories) }],
    eventHooks: [releaseOnBudgetChange, proposePostOnDraft],
    handlers,
    // routines are time-of-day jobs: they run (and catch up) where the heartbeat runs, not in every process
    start: (o) => (o.schedules ? routines.start() : undefined),
    stop: async () => routines.stop(),
  };
}
