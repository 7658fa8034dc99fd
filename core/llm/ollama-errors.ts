import type { z } from 'zod';
import { AppError, isAppError } from '../api/errors.js';
import type { CallControl } from './call-control.js';

/**
 * Turns whatever the `ollama` client or fetch threw into a typed AppError.
 *
 * What the client throws:
 * - `ResponseError` (name "ResponseError", `status_code`) for a non-2xx answer;
 *   its message is Ollama's `{"error": "..."}` text.
 * - `TypeError("fetch failed")` with `cause.code` (ECONNREFUSED, ENOTFOUND, ...)
 *   when no connection could be made.
 * - `TypeError("terminated")` when the socket closes mid-body.
 * - a plain `Error(text)` for an `{"error": "..."}` line inside a 200 stream, and
 *   "Did not receive done or success response in stream." when it just ends.
 * - an AbortError when our CallControl stopped the call (timeout or caller).
 */
export interface ErrorScene {
  host: string;
  model?: string;
  /** "connect" until the response headers arrived, "stream" while reading the body. */
  phase: 'connect' | 'stream';
  /** What the call was doing, for messages: "chat", "pull", "list models"... */
  action: string;
  call?: CallControl;
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

interface ResponseErrorLike {
  status_code: number;
  error: string;
}

function isResponseError(e: unknown): e is ResponseErrorLike & Error {
  return e instanceof Error && typeof (e as Partial<ResponseErrorLike>).status_code === 'number';
}

/** The first `code` found on the error or along its `cause` chain. */
export function networkCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function isNetworkFailure(e: unknown): boolean {
  const code = networkCode(e);
  if (code && networkCodes.has(code)) return true;
  if (!(e instanceof Error)) return false;
  return e.name === 'TypeError' && /fetch failed|terminated|network|socket/i.test(e.message);
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError');
}

export function modelLabel(scene: { model?: string }): string {
  return scene.model ? ` (model ${scene.model})` : '';
}

/** A zod issue's place in the reply, as a person reads it: models[0].size, model_info["llama.context_length"]. */
function fieldOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_]\w*$/.test(String(key))) out += `${out ? '.' : ''}${String(key)}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/**
 * A reply, or one part of a streamed reply, that does not have the shape Ollama
 * gives it: llm_invalid_output, with a sentence naming the host and the field.
 * `what` completes "Ollama at <host> sent …"; `whole` names a reply with no field to blame.
 */
export function invalidReplyError(where: { host: string; model?: string }, what: string, error: z.ZodError, whole = 'the reply'): AppError {
  const issue = error.issues[0];
  const field = issue && issue.path.length ? fieldOf(issue.path) : whole;
  return new AppError('llm_invalid_output', `Ollama at ${where.host} sent ${what} (${field}: ${issue?.message ?? 'invalid'}).`, {
    host: where.host,
    model: where.model,
    field,
  });
}

/** A reply that is not JSON at all (a proxy's web page, a cut-off body). */
export function notJsonError(scene: ErrorScene, e: SyntaxError): AppError {
  return new AppError('llm_invalid_output', `Ollama at ${scene.host} answered the ${scene.action} call${modelLabel(scene)} with something that is not JSON (${e.message}).`, {
    host: scene.host,
    model: scene.model,
  });
}

export function timeoutError(scene: ErrorScene, ms: number): AppError {
  const secs = Math.round(ms / 100) / 10;
  const what = scene.phase === 'stream' ? 'stopped sending' : 'did not answer';
  return new AppError(
    'llm_timeout',
    `Ollama at ${scene.host} ${what} for ${secs} s during ${scene.action}${modelLabel(scene)}.`,
    { host: scene.host, model: scene.model, timeoutMs: ms },
  );
}

export function abortedError(scene: ErrorScene): AppError {
  return new AppError('llm_aborted', `The ${scene.action} call to Ollama at ${scene.host} was cancelled.`, {
    host: scene.host,
    model: scene.model,
  });
}

export function modelNotFoundError(host: string, model: string, serverMessage?: string): AppError {
  return new AppError(
    'llm_model_not_found',
    `The model "${model}" is not on the Ollama server at ${host}. Pull it first (ollama pull ${model}).`,
    { host, model, serverMessage },
  );
}

function fromResponse(e: ResponseErrorLike, scene: ErrorScene): AppError {
  const details = { host: scene.host, model: scene.model, status: e.status_code, serverMessage: e.error };
  switch (e.status_code) {
    case 404:
      if (scene.model) return modelNotFoundError(scene.host, scene.model, e.error);
      return new AppError('llm_error', `Ollama at ${scene.host} has no such endpoint (${e.error}).`, details);
    case 503:
      return new AppError(
        'llm_queue_full',
        `Ollama at ${scene.host} is busy: its request queue is full. Try again shortly or raise OLLAMA_MAX_QUEUE.`,
        details,
      );
    case 499:
      return new AppError('llm_aborted', `Ollama at ${scene.host} cancelled the ${scene.action} call.`, details);
    default:
      return new AppError('llm_error', `Ollama at ${scene.host} refused the ${scene.action} call: ${e.error}`, details);
  }
}

/** Maps any failure of an Ollama call to an AppError with an llm_* code. */
export function toLlmError(e: unknown, scene: ErrorScene): AppError {
  if (isAppError(e)) return e;
  const reason = scene.call?.reason;
  if (reason === 'timeout') return timeoutError(scene, scene.call?.lastTimeoutMs ?? 0);
  if (reason === 'aborted') return abortedError(scene);
  if (isAbort(e)) return abortedError(scene);
  if (isResponseError(e)) return fromResponse(e, scene);
  const message = e instanceof Error ? e.message : String(e);
  if (isNetworkFailure(e)) {
    if (scene.phase === 'connect') {
      return new AppError(
        'llm_unreachable',
        `Cannot reach Ollama at ${scene.host}: ${networkCode(e) ?? message}. Is "ollama serve" running there?`,
        { host: scene.host, model: scene.model, cause: networkCode(e) ?? message },
      );
    }
    return new AppError(
      'llm_stream_error',
      `The connection to Ollama at ${scene.host} broke during ${scene.action}${modelLabel(scene)}.`,
      { host: scene.host, model: scene.model, cause: networkCode(e) ?? message },
    );
  }
  if (scene.phase === 'stream') {
    const ended = /did not receive done/i.test(message);
    return new AppError(
      'llm_stream_error',
      ended
        ? `Ollama at ${scene.host} ended the ${scene.action} reply before it was finished${modelLabel(scene)}.`
        : `Ollama at ${scene.host} failed during ${scene.action}${modelLabel(scene)}: ${message}`,
      { host: scene.host, model: scene.model, serverMessage: message },
    );
  }
  return new AppError('llm_error', `Ollama at ${scene.host} failed during ${scene.action}: ${message}`, {
    host: scene.host,
    model: scene.model,
  });
}
