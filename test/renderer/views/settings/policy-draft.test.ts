import { describe, expect, it } from 'vitest';
import { sameValue } from '../../../../renderer/views/settings/policy-draft.js';

describe('policy values', () => {
  it('compares values whatever the order of their keys', () => {
    expect(sameValue({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 2 })).toBe(false);
  });
});
