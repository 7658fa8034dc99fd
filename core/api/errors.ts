/**
 * Errors that cross the contract: a stable code and a sentence a person
 * understands. Transports map them to `{ ok: false, error: { code, message } }`.
 */
export const errorCodes = [
  'invalid_input',
  'not_found',
  'conflict',
  'rejected',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'unavailable',
  'not_configured',
  'llm_unreachable',
  'llm_model_not_found',
  'llm_timeout',
  'llm_stream_error',
  'llm_queue_full',
  'llm_invalid_output',
  'llm_context_truncated',
  'llm_aborted',
  'llm_error',
  'crawl_refused',
  'crawl_failed',
  'publish_failed',
  'effect_uncertain',
  'budget_exhausted',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (details) this.details = details;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** HTTP status for an error code. */
export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case 'invalid_input':
    case 'rejected':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
    case 'crawl_refused':
      return 403;
    case 'not_found':
    case 'llm_model_not_found':
      return 404;
    case 'conflict':
    case 'effect_uncertain':
      return 409;
    case 'rate_limited':
      return 429;
    case 'not_configured':
      return 412;
    case 'unavailable':
    case 'llm_unreachable':
    case 'llm_queue_full':
      return 503;
    case 'llm_timeout':
      return 504;
    case 'budget_exhausted':
      return 429;
    case 'internal':
      return 500;
    default:
      return 502;
  }
}

/** Turns any thrown value into an AppError without losing its message. */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('internal', message || 'Something went wrong inside the engine.');
}

/** Formats zod issues as one readable sentence. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}
