import type { ReactNode } from 'react';

/**
 * A small, safe markdown renderer: headings, paragraphs, lists, quotes, code
 * blocks, rules, and inline code, bold, italics and links. It builds React
 * elements, never HTML strings, so whatever an agent or a crawled page wrote
 * is shown as text; links go only to http(s) and mailto addresses.
 */
export type Block =
  | { type: 'heading'; level: number; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'list'; ordered: boolean; items: string[] }
  | { type: 'quote'; text: string }
  | { type: 'code'; lang: string; text: string }
  | { type: 'rule' };

export function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let i = 0;
  const para: string[] = [];
  const flush = (): void => {
    if (para.length) out.push({ type: 'paragraph', text: para.join(' ') });
    para.length = 0;
  };
  while (i < lines.length) {
    const line = lines[i] as string;
    const fence = /^\s*(```|~~~)\s*([\w+-]*)/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] as string).trim().startsWith(fence[1] as string)) body.push(lines[i++] as string);
      i++;
      out.push({ type: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      out.push({ type: 'heading', level: (h[1] as string).length, text: h[2] ?? '' });
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      out.push({ type: 'rule' });
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      flush();
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i] as string)) body.push((lines[i++] as string).replace(/^\s*>\s?/, ''));
      out.push({ type: 'quote', text: body.join(' ') });
      continue;
    }
    const item = /^\s*([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const ordered = /\d/.test(item[1] as string);
      const items: string[] = [];
      while (i < lines.length) {
        const m = /^\s*([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(lines[i] as string);
        if (m && /\d/.test(m[1] as string) === ordered) items.push(m[2] ?? '');
        else if (items.length && /^\s{2,}\S/.test(lines[i] as string)) items[items.length - 1] += ` ${(lines[i] as string).trim()}`;
        else break;
        i++;
      }
      out.push({ type: 'list', ordered, items });
      continue;
    }
    if (!line.trim()) flush();
    else para.push(line.trim());
    i++;
  }
  flush();
  return out;
}

export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.toString() : null;
  } catch {
    return null;
  }
}

const INLINE = /(`+)([\s\S]*?)\1|\*\*([\s\S]+?)\*\*|__([\s\S]+?)__|\*([^*\s][^*]*?)\*|_([^_\s][^_]*?)_|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/;

export function renderInline(text: string, key = 'i'): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = text;
  let n = 0;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    if (m.index > 0) out.push(rest.slice(0, m.index));
    const k = `${key}.${n++}`;
    if (m[1]) out.push(<code key={k}>{m[2]}</code>);
    else if (m[3] ?? m[4]) out.push(<strong key={k}>{renderInline((m[3] ?? m[4]) as string, k)}</strong>);
    else if (m[5] ?? m[6]) out.push(<em key={k}>{renderInline((m[5] ?? m[6]) as string, k)}</em>);
    else {
      const label = m[7] ?? m[9] ?? '';
      const href = safeHref(m[8] ?? m[9] ?? '');
      out.push(
        href ? (
          <a key={k} href={href} target="_blank" rel="noopener noreferrer nofollow">
            {m[7] ? renderInline(label, k) : label}
          </a>
        ) : (
          <span key={k}>{m[0]}</span>
        ),
      );
    }
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

export function Markdown({ source }: { source: string }) {
  return (
    <div className="markdown">
      {parseBlocks(source).map((b, i) => {
        const k = `b${i}`;
        switch (b.type) {
          case 'heading': {
            const H = `h${Math.min(6, b.level + 1)}` as 'h2';
            return <H key={k}>{renderInline(b.text, k)}</H>;
          }
          case 'paragraph':
            return <p key={k}>{renderInline(b.text, k)}</p>;
          case 'quote':
            return <blockquote key={k}>{renderInline(b.text, k)}</blockquote>;
          case 'code':
            return (
              <pre key={k} tabIndex={0}>
                <code>{b.text}</code>
              </pre>
            );
          case 'rule':
            return <hr key={k} />;
          case 'list': {
            const L = b.ordered ? 'ol' : 'ul';
            return (
              <L key={k}>
                {b.items.map((it, j) => (
                  <li key={j}>{renderInline(it, `${k}.${j}`)}</li>
                ))}
              </L>
            );
          }
        }
      })}
    </div>
  );
}
