import { useState } from 'react';
import { blankFor, isObject, joinPath, typesOf } from '../../lib/json-schema.js';
import { fieldLabel } from './field-label.js';
import { FieldErrors, fieldId, type FieldComponent, type FieldProps } from './schema-field-parts.js';

function move<T>(list: T[], from: number, to: number): T[] {
  const out = [...list];
  const [item] = out.splice(from, 1);
  if (item !== undefined) out.splice(to, 0, item);
  return out;
}

const singular = (label: string): string => label.replace(/ies$/, 'y').replace(/s$/, '').toLowerCase();

/** A list: each entry edited in place, moved up or down, removed; "Add" appends a blank one. */
export function ListField({ schema, value, onChange, path, label, issues, idBase, Field }: FieldProps & { Field: FieldComponent }) {
  const list = Array.isArray(value) ? value : [];
  const items = schema.items ?? {};
  const objects = typesOf(items).includes('object');
  const mine = issues.filter((i) => i.path === path);
  const errId = `${fieldId(idBase, path)}-err`;
  return (
    <fieldset className="policy-group" data-path={path} aria-describedby={mine.length ? errId : undefined}>
      <legend className="field-label">{label}</legend>
      {schema.description && <span className="field-hint">{schema.description}</span>}
      {list.length === 0 && <span className="field-hint">None yet.</span>}
      <ol className={`list-field${objects ? ' list-field-objects' : ''}`}>
        {list.map((item, i) => {
          const itemLabel = `${label} ${i + 1}`;
          return (
            <li key={i} className="list-item">
              <div className="list-item-body">
                <Field
                  schema={items}
                  value={item}
                  onChange={(v) => onChange(list.map((old, j) => (j === i ? v : old)))}
                  path={joinPath(path, i)}
                  label={itemLabel}
                  issues={issues}
                  idBase={idBase}
                />
              </div>
              <div className="list-item-tools">
                <button type="button" className="icon-btn" aria-label={`Move ${itemLabel} up`} disabled={i === 0} onClick={() => onChange(move(list, i, i - 1))}>
                  ↑
                </button>
                <button type="button" className="icon-btn" aria-label={`Move ${itemLabel} down`} disabled={i === list.length - 1} onClick={() => onChange(move(list, i, i + 1))}>
                  ↓
                </button>
                <button type="button" className="icon-btn" aria-label={`Remove ${itemLabel}`} onClick={() => onChange(list.filter((_, j) => j !== i))}>
                  ×
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" className="btn btn-ghost btn-small" onClick={() => onChange([...list, blankFor(items)])}>
        Add {singular(label)}
      </button>
      <FieldErrors id={errId} issues={mine} />
    </fieldset>
  );
}

/** Named entries (per agent, per step kind): a name and a value per row. */
export function RecordField({ schema, value, onChange, path, label, issues, idBase, Field }: FieldProps & { Field: FieldComponent }) {
  const obj = isObject(value) ? value : {};
  const entries = Object.entries(obj);
  const valueSchema = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
  const [adding, setAdding] = useState(false);
  const rename = (from: string, to: string): void => {
    if (to !== from && Object.prototype.hasOwnProperty.call(obj, to)) return;
    onChange(Object.fromEntries(entries.map(([k, v]) => [k === from ? to : k, v])));
  };
  const mine = issues.filter((i) => i.path === path);
  return (
    <fieldset className="policy-group" data-path={path}>
      <legend className="field-label">{label}</legend>
      {entries.length === 0 && <span className="field-hint">None: the default applies to all.</span>}
      <ul className="record-field">
        {entries.map(([key, v], i) => {
          const p = joinPath(path, key);
          const keyIssues = issues.filter((x) => x.path === `${p}#name`);
          const keyErr = `${fieldId(idBase, p)}-name-err`;
          return (
            <li key={i} className="list-item">
              <div className="record-key">
                <input
                  className="input"
                  aria-label={`${label}: name of entry ${i + 1}`}
                  aria-invalid={keyIssues.length > 0 || undefined}
                  aria-describedby={keyIssues.length ? keyErr : undefined}
                  placeholder={schema.propertyNames?.description ?? 'name'}
                  value={key}
                  spellCheck={false}
                  onChange={(e) => rename(key, e.target.value)}
                />
                <FieldErrors id={keyErr} issues={keyIssues} />
              </div>
              <div className="list-item-body">
                <Field schema={valueSchema} value={v} onChange={(nv) => onChange({ ...obj, [key]: nv })} path={p} label={key ? fieldLabel(key) : `Entry ${i + 1}`} issues={issues} idBase={idBase} />
              </div>
              <div className="list-item-tools">
                <button type="button" className="icon-btn" aria-label={`Remove ${key || `entry ${i + 1}`}`} onClick={() => onChange(Object.fromEntries(entries.filter(([k]) => k !== key)))}>
                  ×
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        disabled={adding && Object.prototype.hasOwnProperty.call(obj, '')}
        onClick={() => {
          setAdding(true);
          if (!Object.prototype.hasOwnProperty.call(obj, '')) onChange({ ...obj, '': blankFor(valueSchema) });
        }}
      >
        Add entry
      </button>
      <FieldErrors id={`${fieldId(idBase, path)}-err`} issues={mine} />
    </fieldset>
  );
}
