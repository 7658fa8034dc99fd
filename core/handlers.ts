import type { CallOutput, coreCalls } from './api/contract.js';
import type { HandlersFor } from './feature.js';
import { previewPolicyChange } from './sim/preview-thread.js';
import { listAgents, updateAgent } from './ops/agents.js';
import type { EngineCtx } from './ops/ctx.js';
import { pageEvents, writeEvent } from './ops/events.js';
import { deleteSetting, getSetting, redactSetting, setSetting } from './publish/settings.js';
import type { Heartbeat } from './ops/heartbeat.js';
import { cancelMission, getMission, listMissions } from './ops/missions.js';
import { getAllPolicies, getPolicy, setPolicy } from './ops/policy.js';
import { policyJsonSchema } from './ops/policy-json-schema.js';
import { isPolicyKey, policyDefaults, policyDescriptions, policyKeys } from './ops/policy-schemas.js';
import { AppError } from './api/errors.js';
import { createProposalAndMaybeAutoApprove, decideProposal, listProposals } from './ops/proposal-service.js';
import { isoNow } from './ports/clock.js';
import type { ExecutorRegistry } from './workers/executor.js';
import type { WorkerPool } from './workers/worker-pool.js';
import { createModelHandlers, type ModelDeps } from './llm/model-handlers.js';
import { readPauseState } from './ops/pause.js';

export interface HandlerDeps {
  ctx: EngineCtx;
  registry: ExecutorRegistry;
  pool: () => WorkerPool | null;
  heartbeat: Heartbeat;
  info: () => { version: string; startedAt: string; location: string; heartbeatRunning: boolean };
  /** The LLM and model management, when wired. */
  models: ModelDeps;
}

/** The engine side of the contract. Inputs arrive already parsed by the transport. */
export function createHandlers(deps: HandlerDeps): HandlersFor<typeof coreCalls> & ReturnType<typeof createModelHandlers> {
  const { ctx } = deps;
  return {
    ...createModelHandlers(deps.models),
    'runtime.status': () => runtimeStatus(deps),
    'agents.list': () => listAgents(ctx.db),
    'agents.update': async ({ id, patch }) => {
      const agent = await updateAgent(ctx.db, id, patch, isoNow(ctx.clock));
      return agent;
    },
    'proposals.create': async (input) => {
      const out = await createProposalAndMaybeAutoApprove(ctx, { ...input, source: 'user' });
      return {
        proposal: {
          id: out.proposal.id,
          status: out.proposal.status,
          ...(out.proposal.rejectionReason ? { rejectionReason: out.proposal.rejectionReason } : {}),
        },
        ...(out.mission ? { mission: out.mission } : {}),
      };
    },
    'proposals.list': (input) => listProposals(ctx, input),
    'proposals.decide': (input) => decideProposal(ctx, input),
    'missions.list': (input) => listMissions(ctx.db, input),
    'missions.get': ({ id }) => getMission(ctx.db, id),
    'missions.cancel': ({ id }) => cancelMission(ctx, id),
    'events.page': (input) => pageEvents(ctx.db, input),
    'policy.list': async () =>
      (await getAllPolicies(ctx.db)).map((p) => ({ ...p, description: policyDescriptions[p.key], defaultValue: policyDefaults[p.key], schema: policyJsonSchema(p.key) })),
    'policy.get': async ({ key }) => {
      if (!isPolicyKey(key)) throw new AppError('not_found', `There is no policy called "${key}". Known policies: ${policyKeys.join(', ')}.`);
      return { key, value: await getPolicy(ctx.db, key) };
    },
    'policy.set': ({ key, value }) => setPolicy(ctx, key, value),
    'publishing.get': async () => {
      const b = await getSetting(ctx.db, 'bluesky');
      const x = await getSetting(ctx.db, 'x');
      return { bluesky: b ? redactSetting('bluesky', b) : null, x: x ? redactSetting('x', x) : null };
    },
    'publishing.set': async ({ platform, value }) => {
      const stored = await setSetting(ctx, platform, value);
      await writeEvent(ctx, ctx.db, { kind: 'publishing_configured', title: `${platform === 'x' ? 'X' : 'Bluesky'} account configured`, tags: ['settings', 'publishing', platform] });
      return { platform, value: redactSetting(platform, stored) };
    },
    'publishing.clear': async ({ platform }) => ({ cleared: await deleteSetting(ctx.db, platform) }),
    'heartbeat.runNow': () => deps.heartbeat.runOnce({ force: true }),
    'sim.preview': (input) => previewPolicyChange(ctx, input),
    'heartbeat.runs': async ({ limit }) => {
      const res = await ctx.db.query<{ id: number; status: 'succeeded' | 'partial' | 'failed'; holder: string; jobs: unknown; startedAt: string; durationMs: number | null }>(
        `SELECT id, status, holder, jobs, started_at AS "startedAt", duration_ms AS "durationMs" FROM ops_action_runs
         WHERE action = 'heartbeat' AND status <> 'running' ORDER BY id DESC LIMIT $1`,
        [limit ?? 50],
      );
      return res.rows.map((r) => ({ ...r, jobs: r.jobs as never, durationMs: r.durationMs ?? 0 }));
    },
  };
}

async function runtimeStatus(deps: HandlerDeps): Promise<CallOutput<'runtime.status'>> {
  const { ctx } = deps;
  const info = deps.info();
  const pool = deps.pool();
  const queue = await ctx.db.query<{ kind: string; queued: number; running: number }>(
    `SELECT kind, count(*) FILTER (WHERE status = 'queued')::int AS queued, count(*) FILTER (WHERE status = 'running')::int AS running
     FROM ops_mission_steps WHERE status IN ('queued', 'running') GROUP BY kind ORDER BY kind`,
  );
  const missions = await ctx.db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM ops_missions GROUP BY status`,
  );
  const pending = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ops_mission_proposals WHERE status = 'pending'`);
  const last = await ctx.db.query<{ id: number; status: string; startedAt: string; durationMs: number | null }>(
    `SELECT id, status, started_at AS "startedAt", duration_ms AS "durationMs" FROM ops_action_runs WHERE action = 'heartbeat' ORDER BY id DESC LIMIT 1`,
  );
  const hb = await getPolicy(ctx.db, 'heartbeat_policy');
  const handled = new Set(pool ? pool.kinds() : deps.registry.kinds());
  const byKind = queue.rows.map((r) => ({ ...r, hasExecutor: deps.registry.get(r.kind) !== undefined }));
  const counts = Object.fromEntries(missions.rows.map((r) => [r.status, r.n]));
  return {
    version: info.version,
    now: isoNow(ctx.clock),
    startedAt: info.startedAt,
    processId: ctx.processId,
    database: { kind: ctx.db.kind, location: info.location },
    heartbeat: {
      running: info.heartbeatRunning,
      intervalMinutes: hb.interval_minutes,
      lastRun: last.rows[0] ?? null,
      jobs: deps.heartbeat.jobNames(),
    },
    workers: pool ? pool.status() : [],
    queue: { byKind, unhandledKinds: byKind.filter((r) => r.queued > 0 && !handled.has(r.kind)).map((r) => r.kind) },
    missions: {
      approved: counts.approved ?? 0,
      running: counts.running ?? 0,
      succeeded: counts.succeeded ?? 0,
      failed: counts.failed ?? 0,
      cancelled: counts.cancelled ?? 0,
    },
    pendingProposals: pending.rows[0]?.n ?? 0,
    pause: await readPauseState(ctx.db),
    llm: llmStatus(deps),
  };
}

function llmStatus(deps: HandlerDeps): CallOutput<'runtime.status'>['llm'] {
  const llm = deps.models.llm;
  if (!llm) return null;
  const h = llm.lastHealth();
  if (!h) return { status: 'ok', reason: 'Not checked yet.', hosts: [], active: null };
  return { status: h.status, reason: h.reason, hosts: h.hosts, active: h.active };
}
