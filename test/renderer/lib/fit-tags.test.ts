import { describe, expect, it } from 'vitest';
import { chipWidth, fitTags, type TagMetrics } from '../../../renderer/lib/fit-tags.js';

// 10 px a character, 14 px of padding, 4 px between chips: "#abc" is 54 px wide, "+2" 34 px.
const m = (room: number): TagMetrics => ({ room, charPx: 10, padPx: 14, gapPx: 4 });

describe('fitTags', () => {
  it('shows every tag when they all fit, to the pixel', () => {
    const tags = ['#abc', '#abc', '#abc'];
    expect(chipWidth(4, m(0))).toBe(54);
    expect(fitTags(tags, m(54 * 3 + 8))).toBe(3);
    expect(fitTags([], m(0))).toBe(0);
  });

  it('keeps room for the "+N" chip after the whole tags it shows', () => {
    const tags = ['#abc', '#abc', '#abc'];
    // one pixel short of all three: two tags and "+1" (54 + 4 + 54 + 4 + 34 = 150)
    expect(fitTags(tags, m(54 * 3 + 7))).toBe(2);
    expect(fitTags(tags, m(150))).toBe(2);
    expect(fitTags(tags, m(149))).toBe(1);
    // no room for even one tag beside "+3": none, and the chip says 3
    expect(fitTags(tags, m(90))).toBe(0);
  });

  it('leaves out a long tag rather than cutting it, and counts wider "+N" chips for many', () => {
    expect(fitTags(['#a', '#a-very-long-tag-name', '#b'], m(120))).toBe(1);
    const many = Array.from({ length: 12 }, () => '#ab');
    // 48 px a chip with its gap: three (144) and "+9" (34) fit in 200; a fourth and "+8" do not
    expect(fitTags(many, m(200))).toBe(3);
  });
});
