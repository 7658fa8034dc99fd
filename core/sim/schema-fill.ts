import type { Random } from '../ports/random.js';

type Json = Record<string, unknown>;

export interface FillContext {
  random: Random;
  /** Agent ids the prompt mentions: strings for agent fields are drawn from these. */
  agentIds: string[];
  /** Produces a sentence for free-text fields. */
  sentence: (field: string) => string;
}

const isRec = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolve(schema: Json, root: Json): Json {
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    let cur: unknown = root;
    for (const part of ref.slice(2).split('/')) cur = isRec(cur) ? cur[part] : undefined;
    return isRec(cur) ? cur : {};
  }
  return schema;
}

function between(r: Random, min: number, max: number): number {
  return min + r.next() * (max - min);
}

/**
 * Produces a value that fits a JSON schema, deterministically from `random`:
 * the simulator's stand-in for a model answering in Ollama's structured-output
 * mode. Field names steer the content (agent ids, confidences, drifts, titles).
 */
export function fillSchema(schema: unknown, ctx: FillContext, field = '', root?: Json): unknown {
  if (!isRec(schema)) return null;
  const top = root ?? schema;
  const s = resolve(schema, top);
  const r = ctx.random;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[Math.floor(r.next() * s.enum.length)];
  if ('const' in s) return s.const;
  const variants = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(variants) && variants.length) {
    const nonNull = variants.filter((v) => !(isRec(v) && v.type === 'null'));
    return fillSchema(nonNull[0] ?? variants[0], ctx, field, top);
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') as string) : (s.type as string | undefined);
  switch (type) {
    case 'object': {
      const props = isRec(s.properties) ? s.properties : {};
      const out: Json = {};
      for (const [k, v] of Object.entries(props)) out[k] = fillSchema(v, ctx, k, top);
      return out;
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      const max = typeof s.maxItems === 'number' ? s.maxItems : Math.max(min, 3);
      const n = min + Math.floor(r.next() * (Math.min(max, min + 4) - min + 1));
      return Array.from({ length: n }, () => fillSchema(s.items, ctx, field, top));
    }
    case 'number':
    case 'integer': {
      const lo = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : field.includes('drift') ? -0.03 : 0;
      const hi = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : field.includes('drift') ? 0.03 : field.includes('confidence') ? 1 : 10;
      const [a, b] = field.includes('confidence') ? [Math.max(lo, 0.45), Math.min(hi, 0.92)] : field.includes('drift') ? [Math.max(lo, -0.04), Math.min(hi, 0.04)] : [lo, hi];
      const v = between(r, a, b);
      return type === 'integer' ? Math.round(v) : Math.round(v * 100) / 100;
    }
    case 'boolean':
      return r.next() < 0.5;
    case 'string': {
      const max = typeof s.maxLength === 'number' ? s.maxLength : 200;
      let v: string;
      if (/agent/.test(field) && ctx.agentIds.length) v = ctx.agentIds[Math.floor(r.next() * ctx.agentIds.length)] as string;
      else if (field === 'tags' || field === 'tag') v = ['engagement', 'content', 'growth', 'pricing', 'ops', 'story'][Math.floor(r.next() * 6)] as string;
      else v = ctx.sentence(field);
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      if (v.length < min) v = v.padEnd(min, '.');
      return v.slice(0, max);
    }
    default:
      return null;
  }
}
