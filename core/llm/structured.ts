import { z } from 'zod';
import { AppError, describeIssues } from '../api/errors.js';
import { clampToSchema, type JsonSchema } from './json-clamp.js';
import { parseJsonReply } from './json-extract.js';
import type { ChatRequest, ChatResult, Llm } from './port.js';

/**
 * Structured output: ask for JSON matching a zod schema, and get a typed value
 * or a clear `llm_invalid_output`.
 *
 * The request's `format` is the JSON schema zod generates (Ollama turns it into
 * a grammar). The reply is then made usable — ```json fences stripped, the
 * outermost object cut out of surrounding prose, numbers clamped to declared
 * bounds — and validated. A reply that still fails gets ONE repair turn: the
 * bad reply goes back as the assistant's message with a user message listing
 * what was wrong. A reply the host cut at the length limit (done_reason
 * "length": unfinished JSON) does not go back — on a small context window it
 * would crowd out the prompt —; the question is asked again with a note to
 * answer shorter. A second failure throws.
 */
export interface StructuredOptions {
  /** Repair turns after a failed reply (default 1). */
  repairs?: number;
  /** Clamp numbers to the schema's bounds before validating (default true). */
  clamp?: boolean;
}

export interface StructuredResult<T> {
  value: T;
  /** The chat result of the reply that was used. */
  result: ChatResult;
  /** True when the value came from a repair turn. */
  repaired: boolean;
}

export interface OutputIssue {
  path: (string | number)[];
  message: string;
}

type Checked<T> = { ok: true; value: T } | { ok: false; issues: OutputIssue[] };

/** The JSON schema sent as Ollama's `format` for a zod schema. */
export function formatFor(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _drop, ...rest } = json;
  return rest;
}

/** Parses, repairs and validates one raw reply. */
export function checkReply<T>(raw: string, schema: z.ZodType<T>, jsonSchema: JsonSchema, clamp = true): Checked<T> {
  const open = jsonSchema['type'] === 'array' ? '[' : '{';
  const parsed = parseJsonReply(raw, open);
  if (!parsed.ok) return { ok: false, issues: [{ path: [], message: parsed.message }] };
  const candidate = clamp ? clampToSchema(parsed.value, jsonSchema) : parsed.value;
  const result = schema.safeParse(candidate);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
      message: i.message,
    })),
  };
}

function shorterMessage(jsonSchema: JsonSchema): string {
  return (
    'Your last reply was cut off at the length limit before the JSON was complete. ' +
    `Reply again, shorter (fewer and shorter items), with only one JSON value matching this JSON schema, and no other text: ${JSON.stringify(jsonSchema)}`
  );
}

function repairMessage(issues: OutputIssue[], jsonSchema: JsonSchema): string {
  return (
    `Your reply could not be used: ${describeIssues(issues)}. ` +
    `Reply again with only one JSON value matching this JSON schema, and no other text: ${JSON.stringify(jsonSchema)}`
  );
}

export async function chatStructured<T>(
  llm: Llm,
  req: ChatRequest,
  schema: z.ZodType<T>,
  opts: StructuredOptions = {},
): Promise<StructuredResult<T>> {
  const jsonSchema = formatFor(schema);
  const repairs = Math.max(0, opts.repairs ?? 1);
  let messages = req.messages;
  for (let attempt = 0; ; attempt++) {
    const result = await llm.chat({ ...req, messages, format: jsonSchema });
    const checked = checkReply(result.text, schema, jsonSchema, opts.clamp ?? true);
    if (checked.ok) return { value: checked.value, result, repaired: attempt > 0 };
    if (attempt >= repairs) {
      throw new AppError(
        'llm_invalid_output',
        `The model ${req.model} did not return usable ${attempt > 0 ? 'JSON even after a retry' : 'JSON'}: ${describeIssues(checked.issues)}.`,
        { model: req.model, raw: result.text, issues: checked.issues, attempts: attempt + 1 },
      );
    }
    messages =
      result.doneReason === 'length'
        ? [...req.messages, { role: 'user', content: shorterMessage(jsonSchema) }]
        : [...messages, { role: 'assistant', content: result.text }, { role: 'user', content: repairMessage(checked.issues, jsonSchema) }];
  }
}
