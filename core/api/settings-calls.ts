/**
 * Calls of the settings pane that the core contract lacks: trying an Ollama
 * host before it is saved into llm_policy.
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
