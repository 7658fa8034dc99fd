import type { CallOutput, CallParsedInput } from '../api/contract.js';
import { AppError } from '../api/errors.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { getPolicy } from '../ops/policy.js';
import { usageByAgentDay } from './accounting.js';
import type { LlmService } from './llm-service.js';
import type { LocalOllama } from './local-ollama.js';
import type { ModelControl } from './model-control.js';

export interface ModelDeps {
  ctx: EngineCtx;
  llm: LlmService | null;
  /** Model control over the given hosts. */
  modelControl: ((hosts: string[]) => ModelControl) | null;
  localOllama: LocalOllama | null;
}

type H<K extends keyof ModelHandlerMap> = (input: CallParsedInput<K>) => Promise<CallOutput<K>>;
interface ModelHandlerMap {
  'llm.status': 0;
  'llm.usage': 0;
  'ollama.health': 0;
  'ollama.models': 0;
  'ollama.running': 0;
  'ollama.pull': 0;
  'ollama.cancelPull': 0;
  'ollama.delete': 0;
  'ollama.unload': 0;
  'ollama.local': 0;
}

/** The model-management calls: hosts, models, pulls with progress on the stream, and local `ollama serve`. */
export function createModelHandlers(deps: ModelDeps): { [K in keyof ModelHandlerMap]: H<K> } {
  const { ctx } = deps;
  const pulls = new Map<string, AbortController>();
  let pullSeq = 0;

  const control = async (host?: string): Promise<{ mc: ModelControl; host: string }> => {
    if (!deps.modelControl) throw new AppError('not_configured', 'No LLM is configured for this engine.');
    const hosts = (await getPolicy(ctx.db, 'llm_policy')).hosts;
    const h = host ?? (deps.llm ? ((await deps.llm.check()).active ?? hosts[0]) : hosts[0]) ?? hosts[0];
    if (!h) throw new AppError('not_configured', 'No Ollama host is configured: add one in Settings → Ollama hosts.');
    return { mc: deps.modelControl(hosts), host: h };
  };

  return {
    'llm.status': async () => {
      if (!deps.llm) throw new AppError('not_configured', 'No LLM is configured for this engine.');
      return deps.llm.check(true);
    },
    'llm.usage': async ({ days }) => {
      const tz = (await getPolicy(ctx.db, 'timezone')).name;
      return usageByAgentDay(ctx.db, ctx.clock.now(), tz, days ?? 7);
    },
    'ollama.health': async () => {
      const { mc } = await control();
      return Promise.all(mc.hosts.map((h) => mc.health(h)));
    },
    'ollama.models': async ({ host }) => {
      const c = await control(host);
      return c.mc.listModels(c.host);
    },
    'ollama.running': async ({ host }) => {
      const c = await control(host);
      return c.mc.running(c.host);
    },
    'ollama.pull': async ({ host, model }) => {
      const c = await control(host);
      const pullId = `pull-${++pullSeq}`;
      const ac = new AbortController();
      pulls.set(pullId, ac);
      const base = { type: 'pull' as const, pullId, host: c.host, model };
      ctx.bus.publish({ ...base, status: 'starting', done: false });
      c.mc
        .pull(
          c.host,
          model,
          (p) => ctx.bus.publish({ ...base, status: p.status, done: false, ...(p.total !== undefined ? { total: p.total } : {}), ...(p.completed !== undefined ? { completed: p.completed } : {}), ...(p.percent !== undefined ? { percent: p.percent } : {}) }),
          ac.signal,
        )
        .then(async () => {
          ctx.bus.publish({ ...base, status: 'success', done: true, percent: 100 });
          await writeEvent(ctx, ctx.db, { kind: 'model_pulled', title: `Pulled ${model} on ${c.host}`, tags: ['llm', 'model', 'pull'], payload: { host: c.host, model } });
        })
        .catch(async (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          const cancelled = ac.signal.aborted;
          ctx.bus.publish({ ...base, status: cancelled ? 'cancelled' : 'error', done: true, ...(cancelled ? {} : { error: message }) });
          await writeEvent(ctx, ctx.db, {
            kind: cancelled ? 'model_pull_cancelled' : 'model_pull_failed',
            title: cancelled ? `Pull of ${model} cancelled` : `Pull of ${model} failed`,
            summary: cancelled ? '' : message,
            tags: ['llm', 'model', 'pull', cancelled ? 'cancelled' : 'error'],
            payload: { host: c.host, model },
          }).catch(() => {});
        })
        .finally(() => pulls.delete(pullId));
      return { pullId };
    },
    'ollama.cancelPull': async ({ pullId }) => {
      const ac = pulls.get(pullId);
      if (!ac) return { cancelled: false };
      ac.abort();
      return { cancelled: true };
    },
    'ollama.delete': async ({ host, model }) => {
      const c = await control(host);
      await c.mc.deleteModel(c.host, model);
      await writeEvent(ctx, ctx.db, { kind: 'model_deleted', title: `Deleted ${model} from ${c.host}`, tags: ['llm', 'model'], payload: { host: c.host, model } });
      return { deleted: true as const };
    },
    'ollama.unload': async ({ host, model }) => {
      const c = await control(host);
      await c.mc.unload(c.host, model);
      return { unloaded: true as const };
    },
    'ollama.local': async ({ action }) => {
      if (!deps.localOllama) throw new AppError('not_configured', 'Starting Ollama from the app is not available in this mode.');
      if (action === 'start') return deps.localOllama.start();
      if (action === 'stop') await deps.localOllama.stop();
      return deps.localOllama.state();
    },
  };
}
