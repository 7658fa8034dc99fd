/** Handlers of the stats calls: small aggregate queries, days in the user's time zone. */
import type { statsCalls } from '../api/stats-calls.js';
import type { HandlersFor } from '../feature.js';
import type { EngineCtx } from '../ops/ctx.js';
import { cachedPolicy } from '../ops/policy.js';
import { iso, localDate, startOfDay } from '../ops/time.js';

const DEFAULT_DAYS = 14;

async function window(ctx: EngineCtx, days: number): Promise<{ tz: string; since: string }> {
  const tz = (await cachedPolicy(ctx, 'timezone')).name;
  return { tz, since: iso(startOfDay(ctx.clock.now(), tz) - (days - 1) * 86_400_000) };
}

export function createStatsHandlers(ctx: EngineCtx): HandlersFor<typeof statsCalls> {
  const db = ctx.db;
  return {
    'stats.today': async () => {
      const { tz, since } = await window(ctx, 1);
      const m = await db.query<{ total: number; succeeded: number; failed: number }>(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
                count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM ops_missions WHERE created_at >= $1`,
        [since],
      );
      const s = await db.query<{ queued: number; running: number }>(
        `SELECT count(*) FILTER (WHERE status = 'queued')::int AS queued, count(*) FILTER (WHERE status = 'running')::int AS running
         FROM ops_mission_steps WHERE status IN ('queued', 'running')`,
      );
      const t = await db.query<{ tokens: number }>(
        `SELECT coalesce(sum(prompt_tokens + completion_tokens), 0)::float8 AS tokens FROM ops_llm_calls WHERE created_at >= $1`,
        [since],
      );
      const mr = m.rows[0];
      return {
        day: localDate(ctx.clock.now(), tz),
        missionsToday: mr?.total ?? 0,
        succeededToday: mr?.succeeded ?? 0,
        failedToday: mr?.failed ?? 0,
        queuedSteps: s.rows[0]?.queued ?? 0,
        runningSteps: s.rows[0]?.running ?? 0,
        tokensToday: t.rows[0]?.tokens ?? 0,
      };
    },
    'stats.eventsPerDay': async ({ days = DEFAULT_DAYS }) => {
      const { tz, since } = await window(ctx, days);
      const r = await db.query<{ day: string; kind: string; count: number }>(
        `SELECT to_char(created_at AT TIME ZONE $2, 'YYYY-MM-DD') AS day, kind, count(*)::int AS count
         FROM ops_agent_events WHERE created_at >= $1 GROUP BY 1, 2 ORDER BY 1, 2`,
        [since, tz],
      );
      return r.rows;
    },
    'stats.tokensPerDay': async ({ days = DEFAULT_DAYS }) => {
      const { tz, since } = await window(ctx, days);
      const r = await db.query<{ day: string; agentId: string | null; tokens: number }>(
        `SELECT to_char(created_at AT TIME ZONE $2, 'YYYY-MM-DD') AS day, agent_id AS "agentId",
                coalesce(sum(prompt_tokens + completion_tokens), 0)::float8 AS tokens
         FROM ops_llm_calls WHERE created_at >= $1 GROUP BY 1, 2 ORDER BY 1, 2`,
        [since, tz],
      );
      // the company's daily budget, drawn as a line once one is set (and budgets are on)
      const budget = await cachedPolicy(ctx, 'budget_policy');
      return { rows: r.rows, dailyBudget: budget.enabled ? budget.company_daily_tokens : null };
    },
    'stats.missionOutcomes': async ({ days = DEFAULT_DAYS }) => {
      const { tz, since } = await window(ctx, days);
      const r = await db.query<{ day: string; succeeded: number; failed: number; cancelled: number }>(
        `SELECT to_char(finished_at AT TIME ZONE $2, 'YYYY-MM-DD') AS day,
                count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
                count(*) FILTER (WHERE status = 'failed')::int AS failed,
                count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled
         FROM ops_missions WHERE finished_at >= $1 GROUP BY 1 ORDER BY 1`,
        [since, tz],
      );
      return r.rows;
    },
    'stats.memoryByType': async () => {
      const r = await db.query<{ agentId: string; type: string; count: number }>(
        `SELECT agent_id AS "agentId", type, count(*)::int AS count
         FROM ops_agent_memory WHERE superseded_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      return r.rows;
    },
  };
}
