import { calls, isCallName, type Envelope, type Handlers } from '../api/contract.js';
import { AppError, describeIssues, toAppError } from '../api/errors.js';
import { inputProblem } from '../api/input-guard.js';

export interface DispatchHooks {
  /** Told about every refused input, so it can be recorded as an event. */
  onInvalidInput?(call: string, message: string): void;
  /** Told about unexpected failures. */
  onInternalError?(call: string, err: unknown): void;
}

/**
 * Parses a call's input with the contract's schema, runs its handler, checks
 * its output, and wraps the result in the envelope both transports send.
 */
export async function dispatchCall(handlers: Handlers, name: string, rawInput: unknown, hooks: DispatchHooks = {}): Promise<Envelope<unknown>> {
  let reported = false;
  try {
    if (!isCallName(name)) throw new AppError('not_found', `There is no call named "${name}".`);
    const spec = calls[name];
    const problem = inputProblem(rawInput);
    if (problem) {
      const message = `The input for ${name} is not valid: ${problem}.`;
      hooks.onInvalidInput?.(name, message);
      reported = true;
      throw new AppError('invalid_input', message);
    }
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const message = `The input for ${name} is not valid: ${describeIssues(parsed.error.issues)}.`;
      hooks.onInvalidInput?.(name, message);
      reported = true;
      throw new AppError('invalid_input', message, { issues: parsed.error.issues });
    }
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    const checked = spec.output.safeParse(value);
    if (!checked.success) {
      throw new AppError('internal', `The engine produced an unexpected reply for ${name}: ${describeIssues(checked.error.issues)}.`);
    }
    return { ok: true, value: checked.data };
  } catch (err) {
    const e = toAppError(err);
    if (e.code === 'internal') hooks.onInternalError?.(name, err);
    if (e.code === 'invalid_input' && !reported) hooks.onInvalidInput?.(name, e.message);
    return { ok: false, error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } };
  }
}
