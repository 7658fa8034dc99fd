import { describe, expect, it } from 'vitest';
import { brokenJsonField, fromDraft, sameValue, toDraft } from '../../../../renderer/views/settings/policy-draft.js';

describe('policy drafts', () => {
  it('splits a policy into switches, numbers and JSON, and puts it back together', () => {
    const value = { enabled: true, max_per_day: 30, allowed_hosts: ['a.example'], name: 'x' };
    const draft = toDraft(value);
    expect(draft).toEqual({
      shape: 'object',
      fields: [
        ['enabled', { type: 'bool', value: true }],
        ['max_per_day', { type: 'number', text: '30' }],
        ['allowed_hosts', { type: 'json', text: '[\n  "a.example"\n]' }],
        ['name', { type: 'json', text: '"x"' }],
      ],
    });
    expect(fromDraft(draft)).toEqual(value);
  });

  it('sends what was typed and lets the server judge it', () => {
    expect(fromDraft({ shape: 'object', fields: [['limit', { type: 'number', text: '-1' }]] })).toEqual({ limit: -1 });
    expect(fromDraft({ shape: 'object', fields: [['limit', { type: 'number', text: '' }]] })).toEqual({ limit: '' });
    expect(fromDraft({ shape: 'object', fields: [['limit', { type: 'number', text: 'abc' }]] })).toEqual({ limit: 'abc' });
  });

  it('keeps non-object values whole', () => {
    expect(toDraft([1, 2])).toEqual({ shape: 'raw', text: '[\n  1,\n  2\n]' });
    expect(fromDraft({ shape: 'raw', text: '[1,2]' })).toEqual([1, 2]);
  });

  it('names a JSON field that does not parse', () => {
    expect(brokenJsonField({ shape: 'object', fields: [['hosts', { type: 'json', text: '[' }]] })).toBe('hosts');
    expect(brokenJsonField({ shape: 'raw', text: '{}' })).toBeNull();
  });

  it('compares values whatever the order of their keys', () => {
    expect(sameValue({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 2 })).toBe(false);
  });
});
