/**
 * The subset of JSON Schema (draft 2020-12) that zod emits for our policies,
 * checked in the browser so the form can say what is wrong before anything is
 * sent, in words a person uses. The server checks again with the zod schema
 * itself; this only spares a round trip and the validator's wording.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  description?: string;
  default?: unknown;
}

export interface Issue {
  /** Where, as keys and indexes joined by "." ("" for the whole value); "#name" after a path is that entry's name. */
  path: string;
  message: string;
}

export const joinPath = (path: string, key: string | number): string => (path ? `${path}.${key}` : String(key));

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 6 });

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function typesOf(s: JsonSchema): string[] {
  if (s.type) return Array.isArray(s.type) ? s.type : [s.type];
  if (s.properties || s.additionalProperties) return ['object'];
  if (s.items) return ['array'];
  return [];
}

/** "a whole number from 0 to 100,000", "a number of at least 1", … */
export function numberRule(s: JsonSchema): string {
  const what = typesOf(s).includes('integer') ? 'a whole number' : 'a number';
  const lo = s.minimum ?? s.exclusiveMinimum;
  const hi = s.maximum ?? s.exclusiveMaximum;
  if (lo !== undefined && hi !== undefined) return `${what} from ${fmt(lo)} to ${fmt(hi)}`;
  if (lo !== undefined) return `${what} of at least ${fmt(lo)}`;
  if (hi !== undefined) return `${what} of at most ${fmt(hi)}`;
  return what;
}

function checkNumber(s: JsonSchema, v: unknown): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `Write ${numberRule(s)}.`;
  const outside =
    (typesOf(s).includes('integer') && !Number.isInteger(v)) ||
    (s.minimum !== undefined && v < s.minimum) ||
    (s.maximum !== undefined && v > s.maximum) ||
    (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) ||
    (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum);
  return outside ? `Use ${numberRule(s)}.` : null;
}

function checkString(s: JsonSchema, v: unknown): string | null {
  if (typeof v !== 'string') return 'Write some text here.';
  if (s.enum && !s.enum.includes(v)) return `“${v}” is not one of the choices (${s.enum.join(', ')}).`;
  if (s.const !== undefined && v !== s.const) return `Write “${String(s.const)}”.`;
  if (s.minLength !== undefined && v.length < s.minLength) return s.minLength === 1 ? 'This cannot be empty.' : `At least ${fmt(s.minLength)} characters.`;
  if (s.maxLength !== undefined && v.length > s.maxLength) return `At most ${fmt(s.maxLength)} characters (this has ${fmt(v.length)}).`;
  if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) return s.description ? `Write it as ${s.description}.` : `“${v}” is not in the expected form.`;
  if (s.format === 'uri') {
    try {
      new URL(v);
    } catch {
      return 'Write a full address, like http://192.168.1.20:11434.';
    }
  }
  return null;
}

/** Every problem with `value`, outermost first. */
export function validate(s: JsonSchema, value: unknown, path = ''): Issue[] {
  if (s.anyOf) {
    const tries = s.anyOf.map((sub) => validate(sub, value, path));
    if (tries.some((t) => t.length === 0)) return [];
    // report against the variant of the value's own type when there is one
    const own = s.anyOf.findIndex((sub) => matchesType(sub, value));
    return tries[own >= 0 ? own : 0] ?? [];
  }
  const types = typesOf(s);
  if (s.enum && !types.length) return s.enum.includes(value) ? [] : [{ path, message: `Pick one of: ${s.enum.join(', ')}.` }];
  const one = (message: string | null): Issue[] => (message ? [{ path, message }] : []);
  if (types.includes('null') && value === null) return [];
  if (types.length === 1 && types[0] === 'null') return one('Leave this unset.');
  if (types.includes('boolean')) return one(typeof value === 'boolean' ? null : 'Choose on or off.');
  if (types.includes('integer') || types.includes('number')) return one(checkNumber(s, value));
  if (types.includes('string')) return one(checkString(s, value));
  if (types.includes('array')) {
    if (!Array.isArray(value)) return one('This should be a list.');
    const out: Issue[] = [];
    if (s.minItems !== undefined && value.length < s.minItems) out.push({ path, message: s.minItems === 1 ? 'Add at least one.' : `Add at least ${s.minItems}.` });
    if (s.maxItems !== undefined && value.length > s.maxItems) out.push({ path, message: `At most ${fmt(s.maxItems)} entries.` });
    if (s.items) value.forEach((item, i) => out.push(...validate(s.items as JsonSchema, item, joinPath(path, i))));
    return out;
  }
  if (types.includes('object')) {
    if (!isObject(value)) return one('This should be a group of fields.');
    const out: Issue[] = [];
    for (const key of s.required ?? []) if (value[key] === undefined) out.push({ path: joinPath(path, key), message: 'This is required.' });
    for (const [key, v] of Object.entries(value)) {
      const sub = s.properties?.[key];
      if (sub) out.push(...validate(sub, v, joinPath(path, key)));
      else if (typeof s.additionalProperties === 'object') {
        const keyProblem = s.propertyNames ? checkString(s.propertyNames, key) : null;
        if (keyProblem) out.push({ path: `${joinPath(path, key)}#name`, message: key ? `The name “${key}”: ${keyProblem.charAt(0).toLowerCase()}${keyProblem.slice(1)}` : 'Give this entry a name.' });
        out.push(...validate(s.additionalProperties, v, joinPath(path, key)));
      }
    }
    return out;
  }
  return [];
}

function matchesType(s: JsonSchema, v: unknown): boolean {
  const t = typesOf(s);
  if (v === null) return t.includes('null');
  if (typeof v === 'number') return t.includes('number') || t.includes('integer');
  if (typeof v === 'string') return t.includes('string');
  if (typeof v === 'boolean') return t.includes('boolean');
  if (Array.isArray(v)) return t.includes('array');
  return t.includes('object');
}

/** A value to start a new entry with: the schema's default, or the simplest valid-looking value. */
export function blankFor(s: JsonSchema): unknown {
  if (s.default !== undefined) return s.default;
  if (s.anyOf) return blankFor(s.anyOf.find((x) => !typesOf(x).includes('null')) ?? s.anyOf[0] ?? {});
  const t = typesOf(s);
  if (s.enum) return s.enum[0];
  if (t.includes('boolean')) return false;
  if (t.includes('integer') || t.includes('number')) return s.minimum ?? 0;
  if (t.includes('string')) return s.const ?? '';
  if (t.includes('array')) return [];
  if (t.includes('object')) return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, sub]) => [k, blankFor(sub)]));
  return null;
}
