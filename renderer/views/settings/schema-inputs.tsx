import { useEffect, useState } from 'react';
import { numberRule, type JsonSchema } from '../../lib/json-schema.js';

export interface LeafProps {
  schema: JsonSchema;
  value: unknown;
  onChange(v: unknown): void;
  id: string;
  label: string;
  invalid: boolean;
  describedBy?: string;
}

/**
 * A bounded number: min, max and step come from the schema. It keeps what is
 * typed (a half-typed "-" or "") and hands the form a number once it is one.
 */
export function NumberInput({ schema, value, onChange, id, label, invalid, describedBy }: LeafProps) {
  const [text, setText] = useState(typeof value === 'number' ? String(value) : '');
  useEffect(() => {
    if (typeof value === 'number' && Number(text) !== value) setText(String(value));
    // only an outside change (reset, discard) rewrites the text
  }, [value]);
  const integer = schema.type === 'integer';
  return (
    <input
      id={id}
      className="input input-number"
      type="number"
      inputMode={integer ? 'numeric' : 'decimal'}
      min={schema.minimum}
      max={schema.maximum}
      step={integer ? 1 : 'any'}
      aria-label={label}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      title={`${numberRule(schema).replace(/^a /, 'A ')}`}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const t = e.target.value.trim();
        onChange(t !== '' && Number.isFinite(Number(t)) ? Number(t) : t);
      }}
    />
  );
}

export function TextInput({ value, onChange, id, label, invalid, describedBy, schema }: LeafProps) {
  return (
    <input
      id={id}
      className="input"
      aria-label={label}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      maxLength={schema.maxLength}
      spellCheck={false}
      value={typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

export function EnumSelect({ schema, value, onChange, id, label, invalid, describedBy }: LeafProps) {
  const options = (schema.enum ?? []).map(String);
  return (
    <select id={id} className="input" aria-label={label} aria-invalid={invalid || undefined} aria-describedby={describedBy} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
      {!options.includes(String(value)) && <option value={String(value ?? '')}>{String(value ?? '—')}</option>}
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}

/** A list of choices as checkboxes (e.g. the step kinds auto_approve may approve). */
export function CheckboxList({ schema, value, onChange, id, label, describedBy }: LeafProps) {
  const options = (schema.items?.enum ?? []).map(String);
  const chosen = Array.isArray(value) ? value.map(String) : [];
  const unknown = chosen.filter((c) => !options.includes(c));
  return (
    <div className="check-list" role="group" aria-label={label} aria-describedby={describedBy} id={id}>
      {[...options, ...unknown].map((o) => (
        <label key={o} className={`check-item${unknown.includes(o) ? ' is-unknown' : ''}`}>
          <input
            type="checkbox"
            checked={chosen.includes(o)}
            onChange={(e) => onChange(e.target.checked ? options.filter((x) => x === o || chosen.includes(x)) : chosen.filter((x) => x !== o))}
          />
          <code>{o}</code>
        </label>
      ))}
    </div>
  );
}
