import { Ollama } from 'ollama';
import { toAppError } from '../api/errors.js';
import type { Clock } from '../ports/clock.js';
import { CallControl, fetchWithSignal } from './call-control.js';
import {
  toModelDetails,
  toModelSummaries,
  toProgress,
  toRunningModels,
  type HostHealth,
  type ModelDetails,
  type ModelSummary,
  type PullProgress,
  type RunningModel,
} from './model-shapes.js';
import { DEFAULT_OLLAMA_HOST, normalizeHost } from './ollama.js';
import { modelNotFoundError, notJsonError, toLlmError, type ErrorScene } from './ollama-errors.js';
import { deleteReply, parseReply, psReply, pullProgressPart, showReply, tagsReply, versionReply } from './ollama-replies.js';

export type { HostHealth, ModelDetails, ModelSummary, PullProgress, RunningModel } from './model-shapes.js';

/** Managing the models of one or more Ollama hosts. Errors are AppErrors with llm_* codes. */
export interface ModelControl {
  readonly hosts: readonly string[];
  /** Never throws: reports whether the host answers, and its version. */
  health(host: string): Promise<HostHealth>;
  version(host: string): Promise<string>;
  /** Installed models, with each one's context length when /api/show gives it. */
  listModels(host: string): Promise<ModelSummary[]>;
  show(host: string, model: string): Promise<ModelDetails>;
  /** Downloads a model; resolves on "success". Cancel with `signal` (llm_aborted). */
  pull(host: string, model: string, onProgress?: (p: PullProgress) => void, signal?: AbortSignal): Promise<void>;
  deleteModel(host: string, model: string): Promise<void>;
  /** Models loaded in memory now (/api/ps). */
  running(host: string): Promise<RunningModel[]>;
  /** Drops a model from memory now (a chat with no messages and keep_alive 0). */
  unload(host: string, model: string): Promise<void>;
}

export interface OllamaModelControlOptions {
  clock: Clock;
  /** Default [http://127.0.0.1:11434]. */
  hosts?: string[];
  fetch?: typeof fetch;
  /** Longest wait for a control call's answer (default 30 s). */
  requestTimeoutMs?: number;
  /** Longest wait for /api/version in health (default 3 s). */
  healthTimeoutMs?: number;
  /** Longest silence between pull progress lines (default 5 min). */
  pullIdleTimeoutMs?: number;
}

/** The last HTTP response of a call, for a reply the client does not read itself (delete). */
interface Wire {
  response: Response | null;
}

type Step<T> = (client: Ollama, call: CallControl, scene: ErrorScene, wire: Wire) => Promise<T>;

export class OllamaModelControl implements ModelControl {
  readonly hosts: readonly string[];
  private readonly baseFetch: typeof fetch;

  constructor(private readonly opts: OllamaModelControlOptions) {
    this.hosts = (opts.hosts?.length ? opts.hosts : [DEFAULT_OLLAMA_HOST]).map(normalizeHost);
    this.baseFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  async health(host: string): Promise<HostHealth> {
    const h = normalizeHost(host);
    try {
      const version = await this.versionWithin(h, this.opts.healthTimeoutMs ?? 3_000);
      return { host: h, ok: true, version };
    } catch (e) {
      const err = toAppError(e);
      return { host: h, ok: false, error: { code: err.code, message: err.message } };
    }
  }

  version(host: string): Promise<string> {
    return this.versionWithin(normalizeHost(host), this.timeout());
  }

  async listModels(host: string): Promise<ModelSummary[]> {
    const models = toModelSummaries(await this.run(host, 'list models', undefined, this.timeout(), undefined, async (c, _, scene) => parseReply(tagsReply, await c.list(), scene)));
    await Promise.all(
      models.map(async (m) => {
        try {
          const details = await this.show(host, m.name);
          if (details.contextLength) m.contextLength = details.contextLength;
        } catch {
          // the list still stands without the context length
        }
      }),
    );
    return models;
  }

  async show(host: string, model: string): Promise<ModelDetails> {
    return toModelDetails(model, await this.run(host, 'show model', model, this.timeout(), undefined, async (c, _, scene) => parseReply(showReply, await c.show({ model }), scene)));
  }

  async pull(host: string, model: string, onProgress?: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    const idleMs = this.opts.pullIdleTimeoutMs ?? 300_000;
    await this.run(host, 'pull', model, idleMs, signal, async (client, call, scene) => {
      const stream = await client.pull({ model, stream: true });
      scene.phase = 'stream';
      try {
        for await (const part of stream) {
          call.arm(idleMs);
          const progress = toProgress(parseReply(pullProgressPart, part, scene));
          onProgress?.(progress);
          if (progress.status === 'success') return;
        }
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (!call.reason && /file does not exist|not found/i.test(message)) throw modelNotFoundError(scene.host, model, message);
        throw e;
      }
      throw new Error('Did not receive done or success response in stream.');
    });
  }

  async deleteModel(host: string, model: string): Promise<void> {
    await this.run(host, 'delete model', model, this.timeout(), undefined, async (c, _, scene, wire) => {
      await c.delete({ model }); // the client throws on a refusal and ignores the body of a 200
      const text = (await wire.response?.text()) ?? '';
      parseReply(deleteReply, text.trim() ? JSON.parse(text) : null, scene);
    });
  }

  async running(host: string): Promise<RunningModel[]> {
    return toRunningModels(await this.run(host, 'list running models', undefined, this.timeout(), undefined, async (c, _, scene) => parseReply(psReply, await c.ps(), scene)));
  }

  async unload(host: string, model: string): Promise<void> {
    await this.run(host, 'unload model', model, this.timeout(), undefined, (c) =>
      c.chat({ model, messages: [], keep_alive: 0, stream: false }),
    );
  }

  private timeout(): number {
    return this.opts.requestTimeoutMs ?? 30_000;
  }

  private async versionWithin(host: string, ms: number): Promise<string> {
    const reply = await this.run(host, 'version check', undefined, ms, undefined, async (c, _, scene) => parseReply(versionReply, await c.version(), scene));
    return reply.version;
  }

  /** Runs one call with its own abort switch, timeout and error mapping. */
  private async run<T>(host: string, action: string, model: string | undefined, timeoutMs: number, signal: AbortSignal | undefined, step: Step<T>): Promise<T> {
    const h = normalizeHost(host);
    const call = new CallControl(this.opts.clock, signal);
    const scene: ErrorScene = { host: h, phase: 'connect', action, call };
    if (model !== undefined) scene.model = model;
    try {
      if (call.reason) throw new Error('aborted before start');
      call.arm(timeoutMs);
      const wire: Wire = { response: null };
      const send = fetchWithSignal(this.baseFetch, call.signal);
      const client = new Ollama({ host: h, fetch: async (input, init) => (wire.response = await send(input, init)) });
      return await step(client, call, scene, wire);
    } catch (e) {
      // response.json() of a body that is not JSON (a proxy's page): not Ollama's reply
      if (e instanceof SyntaxError && !call.reason) throw notJsonError(scene, e);
      throw toLlmError(e, scene);
    } finally {
      call.dispose();
    }
  }
}
