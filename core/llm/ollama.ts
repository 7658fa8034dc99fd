import { Ollama, type Message, type Options } from 'ollama';
import type { z } from 'zod';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { silentLog } from '../ports/log.js';
import { CallControl, fetchWithSignal } from './call-control.js';
import {
  checkPromptEval,
  DEFAULT_REPLY_RESERVE,
  estimatePromptTokens,
  estimateTokens,
  limitsFromShow,
  planWindow,
  type ModelLimits,
  type TokenEstimator,
  type WindowPlan,
} from './context-window.js';
import { invalidReplyError, notJsonError, toLlmError, type ErrorScene } from './ollama-errors.js';
import { chatStreamPart, parseReply, showLimitsReply } from './ollama-replies.js';
import type { ChatRequest, ChatResult, Llm } from './port.js';

/** One NDJSON part of Ollama's /api/chat stream (parsed, not cast: the library only JSON.parses). */
type StreamPart = z.infer<typeof chatStreamPart>;

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
/** Longest wait for the first streamed chunk: it includes loading the model. */
export const FIRST_CHUNK_TIMEOUT_MS = 120_000;
/** Longest wait between two streamed chunks. */
export const NEXT_CHUNK_TIMEOUT_MS = 60_000;

export interface OllamaLlmOptions {
  clock: Clock;
  /** Ollama's base URL; default http://127.0.0.1:11434. */
  host?: string;
  /** The fetch to use (tests, proxies); default the global fetch. */
  fetch?: typeof fetch;
  /** Default wait for the first chunk when the request sets no idleTimeoutMs. */
  firstChunkTimeoutMs?: number;
  /** Default wait between chunks when the request sets no idleTimeoutMs. */
  idleTimeoutMs?: number;
  /** Raise num_ctx when the caller set none and the prompt needs more (default true). */
  growContext?: boolean;
  /** Tokens kept free for the reply when sizing num_ctx (default 512). */
  replyReserveTokens?: number;
  /** Prompt token estimator (default: characters / 4). */
  estimateTokens?: TokenEstimator;
  log?: Log;
}

export function normalizeHost(host: string): string {
  return host.replace(/\/+$/, '');
}

/**
 * The Llm port over Ollama's /api/chat, through the official `ollama` client.
 *
 * Every call streams (so a stalled server is noticed between chunks), times
 * out through the Clock, can be cancelled with `req.signal`, and refuses to
 * let Ollama truncate a prompt silently (see context-window.ts). Failures are
 * AppErrors with llm_* codes (see ollama-errors.ts).
 */
export class OllamaLlm implements Llm {
  readonly host: string;
  private readonly limits = new Map<string, ModelLimits>();
  private readonly baseFetch: typeof fetch;
  private readonly log: Log;

  constructor(private readonly opts: OllamaLlmOptions) {
    this.host = normalizeHost(opts.host ?? DEFAULT_OLLAMA_HOST);
    this.baseFetch = opts.fetch ?? ((input, init) => fetch(input, init));
    this.log = opts.log ?? silentLog;
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const clock = this.opts.clock;
    const started = clock.perf();
    const call = new CallControl(clock, req.signal);
    const scene: ErrorScene = { host: this.host, model: req.model, phase: 'connect', action: 'chat', call };
    const firstMs = req.idleTimeoutMs ?? this.opts.firstChunkTimeoutMs ?? FIRST_CHUNK_TIMEOUT_MS;
    const nextMs = req.idleTimeoutMs ?? this.opts.idleTimeoutMs ?? NEXT_CHUNK_TIMEOUT_MS;
    try {
      if (call.reason) throw new Error('aborted before start');
      call.arm(firstMs);
      const client = new Ollama({ host: this.host, fetch: fetchWithSignal(this.baseFetch, call.signal) });
      const plan = this.plan(req, await this.modelLimits(client, req.model));
      const stream = await client.chat({
        model: req.model,
        messages: toMessages(req),
        stream: true,
        ...(req.format ? { format: req.format } : {}),
        ...(req.keepAlive !== undefined ? { keep_alive: req.keepAlive } : {}),
        options: toOptions(req, plan),
      });
      scene.phase = 'stream';
      let text = '';
      let final: StreamPart | undefined;
      for await (const raw of stream) {
        call.arm(nextMs);
        const parsed = chatStreamPart.safeParse(raw);
        if (!parsed.success) throw invalidReplyError(scene, 'a part of the reply that is not a chat message', parsed.error, 'the part');
        const part = parsed.data;
        const piece = part.message?.content ?? '';
        if (piece) {
          text += piece;
          req.onToken?.(piece);
        }
        if (part.done) {
          final = part;
          break;
        }
      }
      call.disarm();
      if (!final) throw new Error('Did not receive done or success response in stream.');
      const promptTokens = final.prompt_eval_count ?? 0;
      checkPromptEval(req.model, promptTokens, plan);
      const result: ChatResult = {
        text,
        model: final.model || req.model,
        host: this.host,
        promptTokens,
        completionTokens: final.eval_count ?? 0,
        durationMs: Math.max(0, clock.perf() - started),
      };
      if (final.done_reason) result.doneReason = final.done_reason;
      return result;
    } catch (e) {
      throw toLlmError(e, scene);
    } finally {
      call.dispose();
    }
  }

  /** Forgets cached model limits (after a pull or delete). */
  forgetModel(model?: string): void {
    if (model === undefined) this.limits.clear();
    else this.limits.delete(model);
  }

  private plan(req: ChatRequest, limits: ModelLimits): WindowPlan {
    const estimate = estimatePromptTokens(req, this.opts.estimateTokens ?? estimateTokens);
    const plan = planWindow(req.model, estimate, req.numCtx, limits, {
      growContext: this.opts.growContext ?? true,
      replyReserve: this.opts.replyReserveTokens ?? DEFAULT_REPLY_RESERVE,
    });
    if (plan.grown) {
      this.log.info('llm: raised num_ctx to fit the prompt', { host: this.host, model: req.model, numCtx: plan.numCtx, estimate });
    }
    return plan;
  }

  /**
   * The model's window from /api/show, cached per model (this adapter has one
   * host). A 404 is "model not found"; other refusals leave the limits unknown.
   */
  private async modelLimits(client: Ollama, model: string): Promise<ModelLimits> {
    const cached = this.limits.get(model);
    if (cached) return cached;
    let show: unknown;
    try {
      show = await client.show({ model });
    } catch (e) {
      if (e instanceof SyntaxError) throw notJsonError({ host: this.host, model, phase: 'connect', action: 'show model' }, e);
      const status = (e as { status_code?: unknown }).status_code;
      if (typeof status === 'number' && status !== 404 && status !== 503) return {};
      throw e;
    }
    const limits = limitsFromShow(parseReply(showLimitsReply, show, { host: this.host, model, action: 'show model' }));
    this.limits.set(model, limits);
    return limits;
  }
}

function toMessages(req: ChatRequest): Message[] {
  const out: Message[] = [];
  if (req.system) out.push({ role: 'system', content: req.system });
  for (const m of req.messages) out.push({ role: m.role, content: m.content });
  return out;
}

function toOptions(req: ChatRequest, plan: WindowPlan): Partial<Options> {
  const options: Partial<Options> = {};
  if (req.temperature !== undefined) options.temperature = req.temperature;
  if (plan.numCtx !== undefined) options.num_ctx = plan.numCtx;
  if (req.maxTokens !== undefined) options.num_predict = req.maxTokens;
  return options;
}
