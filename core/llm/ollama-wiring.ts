import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { LlmServiceDeps } from './llm-service.js';
import { detectOllamaBinary, LocalOllama } from './local-ollama.js';
import { OllamaModelControl, type ModelControl } from './model-control.js';
import { DEFAULT_OLLAMA_HOST, OllamaLlm } from './ollama.js';

export interface OllamaWiring {
  service: LlmServiceDeps;
  modelControl: (hosts: string[]) => ModelControl;
  localOllama: LocalOllama;
}

/** The real thing: the official client against the hosts in llm_policy, and a local `ollama serve` if installed. */
export function ollamaWiring(opts: { clock: Clock; log: Log; fetch?: typeof fetch; env?: NodeJS.ProcessEnv }): OllamaWiring {
  const { clock, log } = opts;
  const control = (hosts: string[]): ModelControl => new OllamaModelControl({ clock, hosts, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const env = opts.env ?? process.env;
  return {
    service: {
      llmFor: (host) => new OllamaLlm({ clock, host, log, ...(opts.fetch ? { fetch: opts.fetch } : {}) }),
      probe: async (host) => {
        const h = await control([host]).health(host);
        return h.ok ? { ok: true } : { ok: false, error: h.error?.message ?? 'no answer' };
      },
    },
    modelControl: control,
    localOllama: new LocalOllama({
      binary: detectOllamaBinary(env.PATH ?? '', existsSync),
      spawn,
      clock,
      log,
      probe: async () => (await control([DEFAULT_OLLAMA_HOST]).health(DEFAULT_OLLAMA_HOST)).ok,
    }),
  };
}
