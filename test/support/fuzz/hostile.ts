/**
 * Hostile request bodies, as JSON text (so keys such as "__proto__" arrive as
 * own properties, the way JSON.parse makes them): random JSON, wrong types,
 * huge strings, deep nesting, odd unicode, prototype-pollution keys, and
 * schema-valid inputs with one part swapped for any of those.
 */
import fc from 'fast-check';
import type { z } from 'zod';
import { arbitraryFor } from './schema-arbitrary.ts';

export type Node = { t: 'leaf'; v: unknown } | { t: 'arr'; items: Node[] } | { t: 'obj'; entries: [string, Node][] } | { t: 'raw'; text: string };

export function toText(n: Node): string {
  switch (n.t) {
    case 'leaf':
      return JSON.stringify(n.v) ?? 'null';
    case 'raw':
      return n.text;
    case 'arr':
      return `[${n.items.map(toText).join(',')}]`;
    case 'obj':
      return `{${n.entries.map(([k, v]) => `${JSON.stringify(k)}:${toText(v)}`).join(',')}}`;
  }
}

export function fromValue(v: unknown): Node {
  if (Array.isArray(v)) return { t: 'arr', items: v.map(fromValue) };
  if (v && typeof v === 'object') return { t: 'obj', entries: Object.entries(v).map(([k, x]) => [k, fromValue(x)]) };
  return { t: 'leaf', v };
}

export const protoKeys = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf'];

/** Far past every length the contract allows (4,000 at most), in several encodings. */
const huge = [
  'a'.repeat(60_000),
  '𝕏'.repeat(20_000),
  '\u0000'.repeat(2_000),
  'é'.repeat(30_000),
  '\ud800'.repeat(5_000), // lone surrogates
  ' '.repeat(50_000),
];
const nasty = [
  '', ' ', '\u0000', '\u202e', '\ufeff', '\u200b', 'ﷺ', '👩‍👩‍👧‍👦', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇', '%00', '%zz', '../../etc/passwd', '..\\..\\win.ini',
  "'; DROP TABLE ops_missions; --", '$1', '{{7*7}}', '<script>alert(1)</script>', 'http://169.254.169.254/latest/meta-data/',
  'file:///etc/passwd', 'javascript:alert(1)', '1e309', 'NaN', '-0', 'true', 'null', '[]', '{}',
];
const numbers = [0, -0, -1, 1, 1.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER];

const leaf: fc.Arbitrary<Node> = fc
  .oneof(
    { arbitrary: fc.string({ maxLength: 30 }), weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 3 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 3 },
    { arbitrary: fc.constantFrom(...nasty), weight: 3 },
    { arbitrary: fc.constantFrom(...huge), weight: 1 },
    { arbitrary: fc.integer(), weight: 3 },
    { arbitrary: fc.double(), weight: 3 },
    { arbitrary: fc.constantFrom(...numbers), weight: 3 },
    { arbitrary: fc.boolean(), weight: 2 },
    { arbitrary: fc.constant(null), weight: 2 },
  )
  .map((v) => ({ t: 'leaf', v }) as Node);

const deep: fc.Arbitrary<Node> = fc
  .tuple(fc.integer({ min: 50, max: 8_000 }), fc.constantFrom('arr', 'obj', 'proto'))
  .map(([d, kind]) => {
    if (kind === 'arr') return { t: 'raw', text: '['.repeat(d) + '1' + ']'.repeat(d) };
    const key = kind === 'proto' ? '__proto__' : 'a';
    return { t: 'raw', text: `{"${key}":`.repeat(d) + '1' + '}'.repeat(d) };
  });

function keyArb(fields: string[]): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...protoKeys), fc.constantFrom(...(fields.length ? fields : ['x'])), fc.string({ maxLength: 12 }), fc.constantFrom(...nasty.slice(0, 12)));
}

/** Any JSON, leaning on the call's own field names so some of it lands near the schema. */
export function hostileNode(fields: string[]): fc.Arbitrary<Node> {
  const key = keyArb(fields);
  return fc.letrec<{ n: Node }>((tie) => ({
    n: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: leaf, weight: 6 },
      { arbitrary: deep, weight: 1 },
      { arbitrary: fc.array(tie('n'), { maxLength: 4 }).map((items) => ({ t: 'arr', items }) as Node), weight: 2 },
      { arbitrary: fc.array(fc.tuple(key, tie('n')), { maxLength: 5 }).map((entries) => ({ t: 'obj', entries }) as Node), weight: 3 },
    ),
  })).n;
}

/** Every property name in a schema's objects. */
export function fieldNames(schema: z.ZodType, out = new Set<string>(), depth = 0): string[] {
  const d = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  if (depth < 10) {
    for (const [k, v] of Object.entries((d.shape as Record<string, z.ZodType> | undefined) ?? {})) {
      out.add(k);
      fieldNames(v, out, depth + 1);
    }
    for (const k of ['innerType', 'element', 'valueType', 'in']) if (d[k]) fieldNames(d[k] as z.ZodType, out, depth + 1);
    for (const o of (d.options as z.ZodType[] | undefined) ?? []) fieldNames(o, out, depth + 1);
  }
  return [...out];
}

/** Replaces the node at a path chosen by `pick` with `by`, or adds `by` under a prototype key. */
function mutate(n: Node, pick: number, by: Node, inject: string | null): Node {
  const spots: { parent: Node; index: number }[] = [];
  const walk = (x: Node): void => {
    if (x.t === 'arr') x.items.forEach((c, i) => (spots.push({ parent: x, index: i }), walk(c)));
    if (x.t === 'obj') x.entries.forEach(([, c], i) => (spots.push({ parent: x, index: i }), walk(c)));
  };
  walk(n);
  const objects = [n, ...spots.map((s) => (s.parent.t === 'arr' ? s.parent.items[s.index] : s.parent.t === 'obj' ? s.parent.entries[s.index]![1] : null))].filter(
    (x): x is Extract<Node, { t: 'obj' }> => x?.t === 'obj',
  );
  if (inject !== null && objects.length) {
    objects[pick % objects.length]!.entries.push([inject, by]);
    return n;
  }
  if (!spots.length) return by;
  const s = spots[pick % spots.length]!;
  if (s.parent.t === 'arr') s.parent.items[s.index] = by;
  if (s.parent.t === 'obj') s.parent.entries[s.index]![1] = by;
  return n;
}

/** Request bodies for one call: random documents, broken JSON, and valid inputs with one part made hostile. */
export function hostileBodies(input: z.ZodType, n: number, seed: number): string[] {
  const fields = fieldNames(input);
  const node = hostileNode(fields);
  const body = fc.oneof(
    { arbitrary: node.map(toText), weight: 4 },
    { arbitrary: fc.string({ maxLength: 40 }), weight: 1 }, // not JSON at all (or by chance a scalar)
    {
      arbitrary: fc
        .tuple(arbitraryFor(input), fc.nat(), node, fc.option(fc.constantFrom(...protoKeys), { nil: null }))
        .map(([valid, pick, by, inject]) => toText(mutate(fromValue(valid ?? {}), pick, by, inject))),
      weight: 5,
    },
  );
  return fc.sample(body, { numRuns: n, seed });
}
