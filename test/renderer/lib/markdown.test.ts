import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { Markdown, parseBlocks, safeHref } from '../../../renderer/lib/markdown.tsx';

const html = (src: string): string => renderToStaticMarkup(createElement(Markdown, { source: src }));

describe('the safe markdown renderer', () => {
  it('reads headings, lists, quotes, code and rules', () => {
    expect(parseBlocks('# Title\n\nSome text\nacross lines.\n\n- a\n- b\n\n1. one\n2. two\n\n> said\n\n```ts\nconst x = 1;\n```\n\n---')).toEqual([
      { type: 'heading', level: 1, text: 'Title' },
      { type: 'paragraph', text: 'Some text across lines.' },
      { type: 'list', ordered: false, items: ['a', 'b'] },
      { type: 'list', ordered: true, items: ['one', 'two'] },
      { type: 'quote', text: 'said' },
      { type: 'code', lang: 'ts', text: 'const x = 1;' },
      { type: 'rule' },
    ]);
  });

  it('renders inline code, bold, italics and links', () => {
    expect(html('It **rose** by *4%*, see [the report](https://example.com/r) and `x < y`.')).toBe(
      '<div class="markdown"><p>It <strong>rose</strong> by <em>4%</em>, see <a href="https://example.com/r" target="_blank" rel="noopener noreferrer nofollow">the report</a> and <code>x &lt; y</code>.</p></div>',
    );
  });

  it('never lets HTML or script links through', () => {
    const out = html('<img src=x onerror=alert(1)> [click](javascript:alert(1)) <script>bad()</script>');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).not.toContain('href="javascript');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,hi')).toBeNull();
    expect(safeHref('mailto:a@b.c')).toBe('mailto:a@b.c');
  });
});
