import { describe, expect, it } from 'vitest';
import { policyJsonSchema } from '../../../core/ops/policy-json-schema.ts';
import { parsePolicy } from '../../../core/ops/policy.ts';
import { knownStepKinds, policyKeys } from '../../../core/ops/policy-schemas.ts';

describe('policy JSON schemas', () => {
  it('gives every policy an object schema with its bounds', () => {
    for (const key of policyKeys) expect(policyJsonSchema(key).type, key).toBe('object');
    const quota = policyJsonSchema('x_daily_quota') as { properties: { limit: Record<string, unknown> } };
    expect(quota.properties.limit).toMatchObject({ type: 'integer', minimum: 0, maximum: 100_000 });
  });

  it('lists the step kinds auto_approve accepts, and refuses any other', () => {
    const s = policyJsonSchema('auto_approve') as { properties: { allowed_step_kinds: { items: { enum: string[] } } } };
    expect(s.properties.allowed_step_kinds.items.enum).toEqual([...knownStepKinds]);
    expect(() => parsePolicy('auto_approve', { enabled: true, allowed_step_kinds: ['analyze', 'teleport'] })).toThrow(/not a step kind the engine runs/);
  });
});
