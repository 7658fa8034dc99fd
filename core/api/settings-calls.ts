/**
 * Calls of the settings pane and the Give task form that the core contract
 * lacks: trying an Ollama host before it is saved, and the step kinds with
 * their payload schemas.
 */
import { z } from 'zod';

const probeHost = z
  .string()
  .trim()
  .min(1, 'write the address of an Ollama host, like http://192.168.1.20:11434')
  .max(300)
  .url('an address like http://192.168.1.20:11434')
  .refine((u) => /^https?:\/\//i.test(u), 'an address that starts with http:// or https://');

export const settingsCalls = {
  /** Every step kind this engine runs, with the JSON Schema of its payload (the Give task form is drawn from it). */
  'steps.kinds': {
    input: z.object({}).strict().default({}),
    output: z.array(
      z.object({
        kind: z.string(),
        /** Approved at once by the auto_approve policy (otherwise it waits in Proposals). */
        autoApproved: z.boolean(),
        schema: z.record(z.string(), z.unknown()),
      }),
    ),
  },
  /** Asks one host (saved or not) for its version and models; never throws for an unreachable host. */
  'ollama.probe': {
    input: z.object({ host: probeHost }),
    output: z.object({
      host: z.string(),
      ok: z.boolean(),
      version: z.string().optional(),
      models: z.array(z.string()),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  },
} as const;
