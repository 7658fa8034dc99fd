/**
 * Values that fit a zod schema, for fuzzing with inputs that pass the door.
 * Covers the kinds of schema the contract's inputs use (objects, strings with
 * length and pattern checks, bounded numbers, enums, arrays, records, unions,
 * defaults). A string check we cannot aim at (a regex) is met by trying known
 * words first; whatever still fails is replaced by the first candidate that fits.
 */
import fc from 'fast-check';
import type { z } from 'zod';

/** Words the contract's fields accept: agent ids, kinds, hosts, model names, policy keys… */
const words = [
  'opus', 'brain', 'growth', 'creator', 'observer', 'analyze', 'wait', 'crawl', 'write_content', 'draft_tweet',
  'http://127.0.0.1:9/', 'llama3.2:3b', 'tinyllama', '1', '42', 'hello', 'standup', 'debate', 'auto_approve',
  'x_daily_quota', 'crawl_policy', 'workers', 'a.emtx', 'mission_failed', 'error', 'a', 'abc-123',
];

interface Def {
  type: string;
  [k: string]: unknown;
}

function def(s: z.ZodType): Def {
  return (s as unknown as { _zod: { def: Def } })._zod.def;
}

function checks(d: Def): Def[] {
  return ((d.checks as { _zod: { def: Def } }[] | undefined) ?? []).map((c) => c._zod.def);
}

function stringArb(schema: z.ZodType, d: Def): fc.Arbitrary<string> {
  let min = 0;
  let max = 60;
  for (const c of checks(d)) {
    if (c.check === 'min_length') min = c.minimum as number;
    if (c.check === 'max_length') max = Math.min(max, c.maximum as number);
  }
  const fits = (v: string): boolean => schema.safeParse(v).success;
  const fallback = words.find(fits) ?? 'a'.repeat(Math.max(min, 1));
  return fc
    .oneof(fc.constantFrom(...words), fc.string({ minLength: min, maxLength: Math.max(min, max) }), fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, max) }))
    .map((v) => (fits(v) ? v : fallback));
}

function numberArb(schema: z.ZodType, d: Def): fc.Arbitrary<number> {
  let min = -1e6;
  let max = 1e6;
  let int = false;
  for (const c of checks(d)) {
    if (c.check === 'greater_than') min = (c.value as number) + (c.inclusive ? 0 : 1);
    if (c.check === 'less_than') max = (c.value as number) - (c.inclusive ? 0 : 1);
    if (c.check === 'number_format') int = true;
  }
  const arb = int ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  return arb.filter((v) => schema.safeParse(v).success);
}

const jsonLeaf = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null));
const smallJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, jsonLeaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...words), tie('v'), { maxKeys: 3 })),
})).v;

/** An arbitrary of values that `schema` accepts (as its input). */
export function arbitraryFor(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const d = def(schema);
  if (depth > 12) return fc.constant(undefined);
  switch (d.type) {
    case 'string':
      return stringArb(schema, d);
    case 'number':
      return numberArb(schema, d);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(d.entries as Record<string, string>));
    case 'literal':
      return fc.constantFrom(...(d.values as unknown[]));
    case 'null':
      return fc.constant(null);
    case 'unknown':
    case 'any':
      return smallJson;
    case 'optional':
      return fc.option(arbitraryFor(d.innerType as z.ZodType, depth + 1), { nil: undefined });
    case 'nullable':
      return fc.option(arbitraryFor(d.innerType as z.ZodType, depth + 1), { nil: null });
    case 'default':
    case 'prefault':
      return fc.option(arbitraryFor(d.innerType as z.ZodType, depth + 1), { nil: undefined });
    case 'pipe':
      return arbitraryFor(d.in as z.ZodType, depth + 1);
    case 'array': {
      let min = 0;
      let max = 4;
      for (const c of checks(d)) {
        if (c.check === 'min_length') min = c.minimum as number;
        if (c.check === 'max_length') max = Math.min(max, c.maximum as number);
      }
      return fc.array(arbitraryFor(d.element as z.ZodType, depth + 1), { minLength: min, maxLength: Math.max(min, max) });
    }
    case 'record':
      return fc.dictionary(fc.constantFrom(...words), arbitraryFor(d.valueType as z.ZodType, depth + 1), { minKeys: 1, maxKeys: 3 });
    case 'union':
      return fc.oneof(...(d.options as z.ZodType[]).map((o) => arbitraryFor(o, depth + 1)));
    case 'object': {
      const shape = d.shape as Record<string, z.ZodType>;
      const entries = Object.entries(shape).map(([k, v]) => [k, arbitraryFor(v, depth + 1)] as const);
      return fc.tuple(...entries.map(([, a]) => a)).map((vals) => {
        const out: Record<string, unknown> = {};
        entries.forEach(([k], i) => {
          if (vals[i] !== undefined) out[k] = vals[i];
        });
        return out;
      });
    }
    default:
      return fc.constant(undefined);
  }
}

/** Values `schema` accepts: generated, then kept only when they really pass (a refine may still refuse). */
export function validSamples(schema: z.ZodType, n: number, seed: number): unknown[] {
  const arb = arbitraryFor(schema);
  const out: unknown[] = [];
  let tries = 0;
  // small samples get enough tries too: a schema with refinements may refuse most generated values
  for (const v of fc.sample(arb, { numRuns: Math.max(n * 3, 300), seed })) {
    tries++;
    if (schema.safeParse(v).success) out.push(v);
    if (out.length >= n) break;
  }
  if (out.length === 0 && tries > 0) throw new Error('No valid sample could be generated for this schema');
  return out;
}
