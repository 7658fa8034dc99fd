/**
 * A policy value as the editor holds it: top-level booleans as switches,
 * numbers as inputs, everything else as JSON text. Turning a draft back into
 * a value never second-guesses the server: it sends what was typed and lets
 * policy.set say what is wrong.
 */
export type FieldDraft = { type: 'bool'; value: boolean } | { type: 'number'; text: string } | { type: 'json'; text: string };

export type PolicyDraft = { shape: 'object'; fields: [string, FieldDraft][] } | { shape: 'raw'; text: string };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function toDraft(value: unknown): PolicyDraft {
  if (!isPlainObject(value)) return { shape: 'raw', text: JSON.stringify(value, null, 2) };
  return {
    shape: 'object',
    fields: Object.entries(value).map(([k, v]): [string, FieldDraft] => {
      if (typeof v === 'boolean') return [k, { type: 'bool', value: v }];
      if (typeof v === 'number') return [k, { type: 'number', text: String(v) }];
      return [k, { type: 'json', text: JSON.stringify(v, null, 2) }];
    }),
  };
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function fromDraft(draft: PolicyDraft): unknown {
  if (draft.shape === 'raw') return jsonOrText(draft.text);
  const out: Record<string, unknown> = {};
  for (const [k, f] of draft.fields) {
    if (f.type === 'bool') out[k] = f.value;
    else if (f.type === 'number') out[k] = f.text.trim() !== '' && Number.isFinite(Number(f.text)) ? Number(f.text) : f.text;
    else out[k] = jsonOrText(f.text);
  }
  return out;
}

/** Is there JSON text in the draft that does not parse? Returns the field name (or "value"). */
export function brokenJsonField(draft: PolicyDraft): string | null {
  const bad = (text: string): boolean => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  };
  if (draft.shape === 'raw') return bad(draft.text) ? 'value' : null;
  for (const [k, f] of draft.fields) if (f.type === 'json' && bad(f.text)) return k;
  return null;
}

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (isPlainObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, stable(v[k])]));
  return v;
}

/** Equal as JSON values, whatever the order of their keys (jsonb reorders them). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(stable(a)) === JSON.stringify(stable(b));
}

export function humanKey(key: string): string {
  const s = key.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
