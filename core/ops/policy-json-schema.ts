import { z } from 'zod';
import { policyKeys, policySchemas, type PolicyKey } from './policy-schemas.js';

/**
 * Each policy's schema as JSON Schema (draft 2020-12), emitted by zod from the
 * very schema policy.set validates with, so the settings editor can build its
 * form and check a value before it is sent. Refinements that JSON Schema cannot
 * say (a known time zone, an http(s) URL) stay server-side; policy.set still
 * judges every value.
 */
let cache: Record<PolicyKey, Record<string, unknown>> | null = null;

export function policyJsonSchema(key: PolicyKey): Record<string, unknown> {
  if (!cache) {
    cache = Object.fromEntries(
      policyKeys.map((k) => {
        const { $schema: _drop, ...schema } = z.toJSONSchema(policySchemas[k], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
        return [k, schema];
      }),
    ) as Record<PolicyKey, Record<string, unknown>>;
  }
  return cache[key];
}
