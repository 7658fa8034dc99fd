import type { settingsCalls } from '../api/settings-calls.js';
import { toAppError } from '../api/errors.js';
import type { HandlersFor } from '../feature.js';
import type { ModelControl } from '../llm/model-control.js';
import { AppError } from '../api/errors.js';

/**
 * Tries one Ollama host for the hosts editor: its version, then its models.
 * An unreachable host is an answer (ok: false with the reason), not an error.
 */
export function createSettingsHandlers(modelControl: ((hosts: string[]) => ModelControl) | null): HandlersFor<typeof settingsCalls> {
  return {
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
