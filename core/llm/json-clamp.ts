/**
 * Pulling numbers back into range. Grammar-constrained decoding gets the
 * shape right but not the bounds (a "confidence" of -30.1 parses fine), so
 * before validation every number whose JSON schema declares bounds is clamped
 * to them, and an "integer" that came out fractional is rounded. The walk
 * follows properties, additionalProperties, items, prefixItems, allOf, the
 * first matching anyOf/oneOf branch, and local $refs ("#/$defs/...").
 * Exclusive bounds are clamped for integers (to bound ± 1) and left to
 * validation for other numbers. Values are copied, never mutated.
 */
export type JsonSchema = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function types(schema: JsonSchema): string[] {
  const t = schema['type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return [];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matches(schema: JsonSchema, value: unknown, root: JsonSchema): boolean {
  const resolved = resolve(schema, root);
  const ts = types(resolved);
  if (ts.length === 0) return true;
  const vt = jsonType(value);
  return ts.includes(vt) || (vt === 'integer' && ts.includes('number')) || (vt === 'number' && ts.includes('integer'));
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let cur = schema;
  for (let depth = 0; depth < 20; depth++) {
    const ref = cur['$ref'];
    if (typeof ref !== 'string' || !ref.startsWith('#')) return cur;
    let target: unknown = root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) {
      target = isRecord(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    }
    if (!isRecord(target)) return cur;
    cur = { ...target, ...Object.fromEntries(Object.entries(cur).filter(([k]) => k !== '$ref')) };
  }
  return cur;
}

function clampNumber(value: number, schema: JsonSchema): number {
  const integer = types(schema).includes('integer');
  let v = integer && !Number.isInteger(value) ? Math.round(value) : value;
  const min = num(schema['minimum']);
  const max = num(schema['maximum']);
  const exMin = num(schema['exclusiveMinimum']);
  const exMax = num(schema['exclusiveMaximum']);
  if (min !== undefined && v < min) v = min;
  if (max !== undefined && v > max) v = max;
  if (integer && exMin !== undefined && v <= exMin) v = Math.floor(exMin) + 1;
  if (integer && exMax !== undefined && v >= exMax) v = Math.ceil(exMax) - 1;
  return v;
}

/** A copy of `value` with numbers clamped to the bounds `schema` declares. */
export function clampToSchema(value: unknown, schema: JsonSchema, root: JsonSchema = schema, depth = 0): unknown {
  if (depth > 64) return value;
  const s = resolve(schema, root);
  let out = value;
  for (const sub of asSchemas(s['allOf'])) out = clampToSchema(out, sub, root, depth + 1);
  for (const key of ['anyOf', 'oneOf']) {
    const branch = asSchemas(s[key]).find((b) => matches(b, out, root));
    if (branch) out = clampToSchema(out, branch, root, depth + 1);
  }
  if (typeof out === 'number') return matches({ type: types(s) }, out, root) ? clampNumber(out, s) : out;
  if (Array.isArray(out)) {
    const prefix = asSchemas(s['prefixItems']);
    const items = isRecord(s['items']) ? s['items'] : undefined;
    return out.map((item, i) => {
      const sub = prefix[i] ?? items;
      return sub ? clampToSchema(item, sub, root, depth + 1) : item;
    });
  }
  if (isRecord(out)) {
    const props = isRecord(s['properties']) ? s['properties'] : {};
    const extra = isRecord(s['additionalProperties']) ? s['additionalProperties'] : undefined;
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(out)) {
      const sub = isRecord(props[k]) ? props[k] : extra;
      copy[k] = sub ? clampToSchema(v, sub, root, depth + 1) : v;
    }
    return copy;
  }
  return out;
}

function asSchemas(v: unknown): JsonSchema[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}
