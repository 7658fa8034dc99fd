import { AppError } from '../api/errors.js';
import type { ChatRequest } from './port.js';

/**
 * Guarding against Ollama's silent context truncation.
 *
 * Ollama never fails a prompt that is longer than the context window: it cuts
 * the oldest tokens (keeping `num_keep`) and answers anyway. So the adapter
 * checks twice:
 *
 * 1. Before sending: it estimates the prompt's tokens at one token per
 *    CHARS_PER_TOKEN (4) characters, plus a few per message for the chat
 *    template — a rough figure for English prose; code and non-Latin scripts
 *    use more tokens per character, which check 2 catches. The window is
 *    `numCtx` if the caller asked for one, else the model's own Modelfile
 *    `num_ctx` parameter, else Ollama's default (4096: the default for
 *    machines with under 24 GiB of VRAM; bigger GPUs get 32k or 256k, so 4096
 *    is the safe assumption), always capped at the model's trained
 *    `<arch>.context_length` from /api/show, as Ollama caps it.
 *    When the prompt plus a reply reserve does not fit and the caller did NOT
 *    set `numCtx`, the adapter raises `num_ctx` itself (rounded up to a
 *    multiple of 1024, capped at the model's length): an unset window is
 *    Ollama's accident, not the caller's choice. A window the caller set is
 *    respected. If the prompt alone still exceeds the window, the call fails
 *    with `llm_context_truncated` and nothing is sent.
 * 2. After the reply: Ollama cuts an over-long prompt to exactly the window,
 *    so a `prompt_eval_count` at the window (within TRUNCATION_SLACK tokens)
 *    means the prompt filled it: `llm_context_truncated`. A count ABOVE the
 *    assumed window means Ollama's real window was larger (a big-GPU default)
 *    and nothing was cut there. Prompt caching lowers `prompt_eval_count`, so
 *    a truncation whose prefix was cached can go unseen; check 1 covers the
 *    usual case.
 */
export const CHARS_PER_TOKEN = 4;
/** Tokens a chat template adds around each message (role markers, separators). */
export const TOKENS_PER_MESSAGE = 4;
/** Ollama's default num_ctx on machines with less than 24 GiB of VRAM. */
export const OLLAMA_DEFAULT_NUM_CTX = 4096;
/** How close to the window a prompt_eval_count must be to count as "at the window". */
export const TRUNCATION_SLACK = 4;
/** Tokens kept free for the reply when deciding whether to grow num_ctx. */
export const DEFAULT_REPLY_RESERVE = 512;

export type TokenEstimator = (text: string) => number;

export const estimateTokens: TokenEstimator = (text) => Math.ceil(text.length / CHARS_PER_TOKEN);

/** Estimated tokens of the whole prompt: system prompt and every message. */
export function estimatePromptTokens(req: Pick<ChatRequest, 'system' | 'messages'>, estimate = estimateTokens): number {
  let total = 0;
  if (req.system) total += estimate(req.system) + TOKENS_PER_MESSAGE;
  for (const m of req.messages) total += estimate(m.content) + TOKENS_PER_MESSAGE;
  return total;
}

/** What /api/show tells about a model's window. */
export interface ModelLimits {
  /** The trained maximum, `model_info["<arch>.context_length"]`. */
  contextLength?: number;
  /** A `num_ctx` set in the model's Modelfile parameters. */
  defaultNumCtx?: number;
}

export interface WindowPlan {
  /** The num_ctx to send, if any. */
  numCtx?: number;
  /** The window the prompt will actually get. */
  window: number;
  /** Estimated prompt tokens. */
  estimate: number;
  /** True when the adapter raised num_ctx itself. */
  grown: boolean;
}

export interface PlanOptions {
  growContext: boolean;
  replyReserve: number;
}

function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}

function truncatedError(
  message: string,
  details: { estimatedTokens: number; window: number; model: string; requestedNumCtx?: number; modelContextLength?: number; promptEvalCount?: number },
): AppError {
  return new AppError('llm_context_truncated', message, { ...details });
}

/** Decides the num_ctx to send; throws llm_context_truncated when the prompt cannot fit. */
export function planWindow(model: string, estimate: number, requested: number | undefined, limits: ModelLimits, opts: PlanOptions): WindowPlan {
  const cap = limits.contextLength;
  const base = requested ?? limits.defaultNumCtx ?? OLLAMA_DEFAULT_NUM_CTX;
  const window = cap ? Math.min(base, cap) : base;
  const needed = estimate + opts.replyReserve;
  if (needed <= window) return { numCtx: requested, window, estimate, grown: false };
  if (requested === undefined && opts.growContext && cap && estimate < cap) {
    const numCtx = Math.min(cap, roundUp(needed, 1024));
    return { numCtx, window: numCtx, estimate, grown: true };
  }
  if (estimate > window) {
    const why = requested !== undefined ? `the requested num_ctx of ${requested}` : `the model's window of ${window} tokens`;
    throw truncatedError(
      `The prompt for ${model} is about ${estimate} tokens, more than ${why}; Ollama would silently cut it. Shorten the prompt or use a larger context.`,
      { estimatedTokens: estimate, window, model, requestedNumCtx: requested, modelContextLength: cap },
    );
  }
  return { numCtx: requested, window, estimate, grown: false };
}

/** Throws when Ollama reports a prompt that filled the whole window. */
export function checkPromptEval(model: string, promptEvalCount: number, plan: WindowPlan): void {
  if (promptEvalCount < plan.window - TRUNCATION_SLACK || promptEvalCount > plan.window) return;
  throw truncatedError(
    `Ollama cut the prompt for ${model}: it filled the whole ${plan.window}-token window (estimated ${plan.estimate} tokens). Shorten the prompt or use a larger context.`,
    { estimatedTokens: plan.estimate, window: plan.window, model, promptEvalCount, requestedNumCtx: plan.numCtx },
  );
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : undefined;
}

/** The trained context length from /api/show's `model_info`. */
export function contextLengthFromModelInfo(modelInfo: unknown): number | undefined {
  const info = asRecord(modelInfo);
  if (!info) return undefined;
  const arch = info['general.architecture'];
  if (typeof arch === 'string') {
    const exact = positiveInt(info[`${arch}.context_length`]);
    if (exact) return exact;
  }
  for (const [key, value] of Object.entries(info)) {
    if (key.endsWith('.context_length')) {
      const n = positiveInt(value);
      if (n) return n;
    }
  }
  return undefined;
}

/** A `num_ctx` line in /api/show's `parameters` text ("num_ctx 8192"). */
export function numCtxFromParameters(parameters: unknown): number | undefined {
  if (typeof parameters !== 'string') return undefined;
  const m = /^\s*num_ctx\s+(\d+)/m.exec(parameters);
  return m?.[1] ? positiveInt(Number(m[1])) : undefined;
}

/** Reads ModelLimits from a /api/show response. */
export function limitsFromShow(show: unknown): ModelLimits {
  const body = asRecord(show);
  const limits: ModelLimits = {};
  const contextLength = contextLengthFromModelInfo(body?.['model_info']);
  const defaultNumCtx = numCtxFromParameters(body?.['parameters']);
  if (contextLength) limits.contextLength = contextLength;
  if (defaultNumCtx) limits.defaultNumCtx = defaultNumCtx;
  return limits;
}
