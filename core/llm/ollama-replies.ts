import { z } from 'zod';
import { invalidReplyError, modelLabel } from './ollama-errors.js';

/**
 * Ollama's replies as zod schemas, field names as Ollama sends them (its
 * api/types.go): what Go marks `omitempty` is optional here, and fields we do
 * not read pass through (looseObject), so a newer Ollama with more fields still
 * parses. The `ollama` client only JSON.parses what comes back; everything we
 * read from it goes through one of these first.
 */

/** A token or byte count. */
export const count = z.number().int().nonnegative();

/** One NDJSON part of /api/chat's stream, as far as we read it. */
export const chatStreamPart = z.looseObject({
  model: z.string().optional(),
  message: z.looseObject({ content: z.string().optional() }).optional(),
  done: z.boolean().optional(),
  done_reason: z.string().optional(),
  prompt_eval_count: count.optional(),
  eval_count: count.optional(),
});

/** ModelDetails: in /api/tags, /api/ps and /api/show (`families` is null when Go's slice is nil). */
const modelDetails = z.looseObject({
  parent_model: z.string().optional(),
  format: z.string().optional(),
  family: z.string().optional(),
  families: z.array(z.string()).nullable().optional(),
  parameter_size: z.string().optional(),
  quantization_level: z.string().optional(),
});

/** GET /api/version */
export const versionReply = z.looseObject({ version: z.string() });

/** GET /api/tags (`models` is null on Ollama versions that sent a nil list for no models). */
export const tagsReply = z.looseObject({
  models: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        model: z.string().optional(),
        modified_at: z.string(),
        size: count,
        digest: z.string().optional(),
        details: modelDetails.optional(),
      }),
    )
    .nullable(),
});

/** /api/show's model_info: any GGUF metadata; a `<arch>.context_length` in it must be a token count. */
const modelInfo = z.record(z.string(), z.unknown()).superRefine((info, ctx) => {
  for (const [key, value] of Object.entries(info)) {
    if (key === 'general.architecture' && typeof value !== 'string') ctx.addIssue({ code: 'custom', path: [key], message: 'expected the name of an architecture' });
    if (key.endsWith('.context_length') && !(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'expected a whole number of tokens above 0' });
    }
  }
});

/** POST /api/show: every field is omitempty in Ollama. */
export const showReply = z.looseObject({
  license: z.string().optional(),
  modelfile: z.string().optional(),
  parameters: z.string().optional(),
  template: z.string().optional(),
  system: z.string().optional(),
  details: modelDetails.optional(),
  model_info: modelInfo.optional(),
  capabilities: z.array(z.string()).optional(),
  modified_at: z.string().optional(),
});

/** The part of /api/show a chat reads (the model's window). */
export const showLimitsReply = showReply.pick({ parameters: true, model_info: true });

/** GET /api/ps (`context_length` is sent by newer Ollama versions only). */
export const psReply = z.looseObject({
  models: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        model: z.string().optional(),
        size: count,
        digest: z.string().optional(),
        details: modelDetails.optional(),
        expires_at: z.string(),
        size_vram: count,
        context_length: count.optional(),
      }),
    )
    .nullable(),
});

/** One line of /api/pull's progress stream. */
export const pullProgressPart = z.looseObject({
  status: z.string(),
  digest: z.string().optional(),
  total: count.optional(),
  completed: count.optional(),
});

/** DELETE /api/delete answers 200 with an empty body; a JSON object (or null) is accepted too. */
export const deleteReply = z.looseObject({ status: z.string().optional() }).nullable();

/** Where a reply came from, for the sentence of its error. */
export interface ReplyPlace {
  host: string;
  model?: string;
  /** "list models", "show model", "pull"... */
  action: string;
}

/** Parses one reply with its schema, or throws llm_invalid_output naming the host and the field. */
export function parseReply<S extends z.ZodType>(schema: S, raw: unknown, place: ReplyPlace): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw invalidReplyError(place, `a reply to the ${place.action} call${modelLabel(place)} that is not in Ollama's format`, parsed.error);
}
