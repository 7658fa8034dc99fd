import { describe, expect, it } from 'vitest';
import { checkPostLength, graphemeCount, xWeightedLength } from '../../../core/publish/length.ts';

describe('post length', () => {
  it('counts Bluesky graphemes: an emoji with modifiers or a flag is one', () => {
    expect(graphemeCount('hello')).toBe(5);
    expect(graphemeCount('👍🏽')).toBe(1);
    expect(graphemeCount('👨‍👩‍👧‍👦')).toBe(1);
    expect(graphemeCount('🇩🇪')).toBe(1);
    expect(graphemeCount('e\u0301')).toBe(1);
    expect(checkPostLength('bluesky', 'x'.repeat(300))).toEqual({ ok: true, length: 300 });
    expect(checkPostLength('bluesky', 'x'.repeat(301)).ok).toBe(false);
  });

  it('also holds Bluesky to 3000 bytes', () => {
    // 300 graphemes, each a family emoji of 25 bytes
    const r = checkPostLength('bluesky', '👨‍👩‍👧‍👦'.repeat(300));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe('The post is 7500 bytes long and Bluesky allows at most 3000.');
  });

  it("weighs X text like twitter-text: Latin 1, CJK 2, emoji 2, links 23", () => {
    expect(xWeightedLength('hello')).toBe(5);
    expect(xWeightedLength('日本')).toBe(4);
    expect(xWeightedLength('👍🏽')).toBe(2);
    expect(xWeightedLength('🇩🇪')).toBe(2);
    expect(xWeightedLength('e\u0301')).toBe(1);
    expect(xWeightedLength(`see https://example.com/${'a'.repeat(80)} now`)).toBe(4 + 23 + 4);
    expect(xWeightedLength('www.example.com')).toBe(23);
    expect(checkPostLength('x', 'a'.repeat(280))).toEqual({ ok: true, length: 280 });
    expect(checkPostLength('x', 'a'.repeat(281)).ok).toBe(false);
  });
});
