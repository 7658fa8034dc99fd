import { describe, expect, it } from 'vitest';
import { policyJsonSchema } from '../../../core/ops/policy-json-schema.ts';
import { parsePolicy } from '../../../core/ops/policy.ts';
import { knownStepKinds, policyDefaults, policyKeys } from '../../../core/ops/policy-schemas.ts';
import { blankFor, validate, type JsonSchema } from '../../../renderer/lib/json-schema.ts';

const schema = (k: (typeof policyKeys)[number]): JsonSchema => policyJsonSchema(k) as JsonSchema;

describe('checking a policy in the form, from its JSON schema', () => {
  it('finds every default valid', () => {
    for (const k of policyKeys) expect(validate(schema(k), policyDefaults[k]), k).toEqual([]);
  });

  it('says what is wrong the way a person would, at the field that is wrong', () => {
    expect(validate(schema('x_daily_quota'), { limit: 200_000 })).toEqual([{ path: 'limit', message: 'Use a whole number from 0 to 100,000.' }]);
    expect(validate(schema('x_daily_quota'), { limit: 2.5 })).toEqual([{ path: 'limit', message: 'Use a whole number from 0 to 100,000.' }]);
    expect(validate(schema('x_daily_quota'), { limit: '' })).toEqual([{ path: 'limit', message: 'Write a whole number from 0 to 100,000.' }]);
    expect(validate(schema('auto_approve'), { enabled: true, allowed_step_kinds: ['analyze', 'teleport'] })).toEqual([
      { path: 'allowed_step_kinds.1', message: `“teleport” is not one of the choices (${knownStepKinds.join(', ')}).` },
    ]);
    const llm = { ...policyDefaults.llm_policy, hosts: [], keep_alive: '5 minutes', per_agent: { Brain: 'x' } };
    expect(validate(schema('llm_policy'), llm)).toEqual([
      { path: 'hosts', message: 'Add at least one.' },
      { path: 'per_agent.Brain#name', message: 'The name “Brain”: write it as an agent id: lowercase letters, digits and dashes, like “brain”.' },
      { path: 'keep_alive', message: 'Write it as a duration like “5m”, “30s”, or “-1” for always.' },
    ]);
    const { patterns } = policyDefaults.reaction_matrix;
    expect(validate(schema('reaction_matrix'), { patterns: [{ ...patterns[0], probability: 1.5 }] })).toEqual([{ path: 'patterns.0.probability', message: 'Use a number from 0 to 1.' }]);
  });

  it('agrees with the server about what it refuses', () => {
    const cases: [(typeof policyKeys)[number], unknown][] = [
      ['x_daily_quota', { limit: 200_000 }],
      ['auto_approve', { enabled: true, allowed_step_kinds: ['teleport'] }],
      ['heartbeat_policy', { ...policyDefaults.heartbeat_policy, interval_minutes: 0 }],
      ['llm_policy', { ...policyDefaults.llm_policy, num_ctx: 100 }],
    ];
    for (const [k, v] of cases) {
      expect(validate(schema(k), v).length, k).toBeGreaterThan(0);
      expect(() => parsePolicy(k, v)).toThrow();
    }
  });

  it('starts a new entry from something that fits', () => {
    const pattern = (schema('reaction_matrix').properties?.patterns?.items ?? {}) as JsonSchema;
    const blank = blankFor(pattern) as Record<string, unknown>;
    expect(Object.keys(blank).sort()).toEqual(['cooldown', 'probability', 'source', 'tags', 'target', 'type']);
  });
});
