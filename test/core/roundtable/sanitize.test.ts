import { describe, expect, it } from 'vitest';
import { sanitizeTurn } from '../../../core/roundtable/sanitize.ts';

const names = ['Opus', 'opus', 'Brain', 'brain'];

describe('sanitizeTurn', () => {
  it('strips links, bare domains and markdown, folds whitespace, drops the speaker label and quotes', () => {
    expect(sanitizeTurn('Opus: "Check https://example.com/x?y=1 and   www.foo.org\n\nnow."', names)).toBe('Check and now.');
    expect(sanitizeTurn('**Brain**: see [the report](http://a.b/c) on data.io/page — numbers first', names)).toBe('see the report on — numbers first');
    expect(sanitizeTurn('```js\nconsole.log(1)\n```\nShip it.', names)).toBe('Ship it.');
    expect(sanitizeTurn('ftp://files.example.net is down', names)).toBe('is down');
  });

  it('caps at 120 characters on a word boundary', () => {
    const long = 'We should measure engagement carefully over the next two weeks before deciding anything about the weekend schedule again.';
    const out = sanitizeTurn(long);
    expect(out.length).toBeLessThanOrEqual(120);
    expect(long.startsWith(out)).toBe(true);
    expect(long[out.length]).toBe(' ');
    expect(sanitizeTurn('x'.repeat(300)).length).toBe(120);
  });

  it('returns an empty string when nothing sayable is left', () => {
    expect(sanitizeTurn('https://example.com')).toBe('');
    expect(sanitizeTurn('   \n\t ')).toBe('');
    expect(sanitizeTurn('Opus: **', names)).toBe('');
    expect(sanitizeTurn('"" — ...')).toBe('');
  });
});
