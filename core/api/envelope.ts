/**
 * Reading a reply on the receiving side (the renderer): the envelope and the
 * call's output are parsed with the contract's schemas, never cast. A reply
 * that does not fit becomes a typed refusal with a sentence, not a value of
 * the wrong shape deep inside the UI.
 */
import { z } from 'zod';
import { calls, type CallName, type CallOutput } from './contract.js';
import { describeIssues } from './errors.js';

export const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string().min(1), message: z.string(), details: z.unknown().optional() }) }),
]);

export type ReadReply<K extends CallName> = { ok: true; value: CallOutput<K> } | { ok: false; code: string; message: string };

/** The call's value, or the refusal it carries, or an "internal" refusal saying why the reply does not fit. */
export function readReply<K extends CallName>(name: K, raw: unknown): ReadReply<K> {
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) return { ok: false, code: 'internal', message: `The engine answered ${name} with a reply that is not the contract's envelope.` };
  if (!env.data.ok) return { ok: false, code: env.data.error.code, message: env.data.error.message || `The call ${name} was refused.` };
  const out = calls[name].output.safeParse(env.data.value);
  if (!out.success) {
    return { ok: false, code: 'internal', message: `The engine's reply to ${name} does not fit the contract: ${describeIssues(out.error.issues)}.` };
  }
  return { ok: true, value: out.data as CallOutput<K> };
}
