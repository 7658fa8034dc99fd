/**
 * Checks every input before its schema does, whatever the transport: text the
 * database cannot store (NUL, lone UTF-16 surrogates, in values or keys), and
 * nesting or size no call needs (a payload nested thousands deep overflows the
 * stack of whatever walks it next). Iterative, so hostile input cannot
 * overflow the stack here either.
 */

export const MAX_INPUT_DEPTH = 32;
export const MAX_INPUT_NODES = 100_000;

// a NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one
// eslint-disable-next-line no-control-regex
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function badText(s: string): string | null {
  const m = BAD_TEXT.exec(s);
  if (!m) return null;
  return m[0] === '\u0000' ? 'a NUL character' : 'a broken UTF-16 character (a lone surrogate)';
}

/** Why `value` cannot be an input, in words; null when it can. */
export function inputProblem(value: unknown): string | null {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: '' }];
  let nodes = 0;
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (++nodes > MAX_INPUT_NODES) return `the input has more than ${MAX_INPUT_NODES} values`;
    const where = path ? ` at ${path}` : '';
    if (typeof v === 'string') {
      const bad = badText(v);
      if (bad) return `the text${where} contains ${bad}`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return `the input is nested more than ${MAX_INPUT_DEPTH} levels deep${where}`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], depth: depth + 1, path: `${path}${path ? '.' : ''}${i}` });
      continue;
    }
    for (const key of Object.keys(v)) {
      const bad = badText(key);
      if (bad) return `a field name${where} contains ${bad}`;
      stack.push({ v: (v as Record<string, unknown>)[key], depth: depth + 1, path: `${path}${path ? '.' : ''}${key.slice(0, 40)}` });
    }
  }
  return null;
}
