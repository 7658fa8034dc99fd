import type { settingsCalls } from '../api/settings-calls.js';
import { toAppError } from '../api/errors.js';
import type { HandlersFor } from '../feature.js';
import type { ModelControl } from '../llm/model-control.js';
import { AppError } from '../api/errors.js';
import type { EngineCtx } from '../ops/ctx.js';
import { getPolicy } from '../ops/policy.js';
import type { ExecutorRegistry } from '../workers/executor.js';
import { z } from 'zod';

/**
 * The settings calls. ollama.probe tries one Ollama host for the hosts editor:
 * its version, then its models.
 * An unreachable host is an answer (ok: false with the reason), not an error.
 */
export function createSettingsHandlers(deps: {
  ctx: EngineCtx;
  registry: ExecutorRegistry;
  modelControl: ((hosts: string[]) => ModelControl) | null;
}): HandlersFor<typeof settingsCalls> {
  const { modelControl } = deps;
  return {
    'steps.kinds': async () => {
      const auto = await getPolicy(deps.ctx.db, 'auto_approve');
      return deps.registry.kinds().map((kind) => {
        const ps = deps.registry.get(kind)?.payloadSchema;
        const schema = ps ? (z.toJSONSchema(ps, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>) : { type: 'object' };
        delete schema.$schema;
        return { kind, autoApproved: auto.enabled && (auto.allowed_step_kinds as readonly string[]).includes(kind), schema };
      });
    },
    'ollama.probe': async ({ host }) => {
      if (!modelControl) throw new AppError('not_configured', 'This engine runs without an LLM, so it cannot try an Ollama host.');
      const mc = modelControl([host]);
      const health = await mc.health(host);
      if (!health.ok) return { host, ok: false, models: [], ...(health.error ? { error: health.error } : {}) };
      try {
        const models = await mc.listModels(host);
        return { host, ok: true, ...(health.version ? { version: health.version } : {}), models: models.map((m) => m.name) };
      } catch (err) {
        const e = toAppError(err);
        return { host, ok: true, ...(health.version ? { version: health.version } : {}), models: [], error: { code: e.code, message: e.message } };
      }
    },
  };
}
