import { useId, useMemo, useState } from 'react';
import { JsonEditor, parseJson } from '../../components/json-editor.js';
import { validate, type JsonSchema } from '../../lib/json-schema.js';
import { shortDate } from '../../lib/time-format.js';
import type { PolicyEntry } from '../../store/entities.js';
import { usePolicies } from '../../store/policy-store.js';
import { toastSuccess } from '../../store/toast-store.js';
import { policyTitle } from './field-label.js';
import { sameValue } from './policy-draft.js';
import { PolicyPreview } from './policy-preview.js';
import { ObjectFields } from './schema-form.js';

const pretty = (v: unknown): string => JSON.stringify(v, null, 2);

/**
 * One policy, edited through a form drawn from its JSON Schema (raw JSON as a
 * second view). Values are checked in the form against the same schema as you
 * type; Save sends only a value the form finds valid, and the server still
 * has the last word (a time zone it does not know, say).
 */
export function PolicyCard({ entry }: { entry: PolicyEntry }) {
  const save = usePolicies((s) => s.save);
  const idBase = useId().replace(/:/g, '');
  const schema = entry.schema as JsonSchema;
  const [value, setValue] = useState<unknown>(entry.value);
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [jsonText, setJsonText] = useState(() => pretty(entry.value));
  const [serverError, setServerError] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);

  const parsed = mode === 'json' ? parseJson(jsonText) : null;
  const current = parsed ? (parsed.ok ? parsed.value : undefined) : value;
  const issues = useMemo(() => (current === undefined ? [] : validate(schema, current)), [schema, current]);
  const jsonBroken = parsed !== null && !parsed.ok;
  const dirty = current !== undefined && !sameValue(current, entry.value);
  const isDefault = current !== undefined && sameValue(current, entry.defaultValue);

  const put = (v: unknown): void => {
    setServerError(null);
    setValue(v);
    setJsonText(pretty(v));
  };

  const onSave = async (): Promise<void> => {
    setTried(true);
    if (issues.length || jsonBroken) {
      document.querySelector<HTMLElement>(`[data-policy="${entry.key}"] [aria-invalid="true"]`)?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    const refusal = await save(entry.key, current);
    setSaving(false);
    if (refusal) setServerError(refusal);
    else toastSuccess(`Saved ${policyTitle(entry.key)}`);
  };

  const switchMode = (m: 'form' | 'json'): void => {
    if (m === mode) return;
    if (m === 'form') {
      if (!parsed?.ok) return;
      setValue(parsed.value);
    } else setJsonText(pretty(value));
    setMode(m);
  };

  return (
    <article className={`policy-card${dirty ? ' is-dirty' : ''}`} data-testid="policy-card" data-policy={entry.key} aria-labelledby={`${idBase}-title`}>
      <header className="policy-head">
        <div>
          <h3 className="policy-title" id={`${idBase}-title`}>
            {policyTitle(entry.key)}
          </h3>
          <code className="policy-key">{entry.key}</code>
        </div>
        <div className="policy-stamp">
          {sameValue(entry.value, entry.defaultValue) ? 'default' : entry.updatedAt ? `changed ${shortDate(entry.updatedAt)}` : 'changed'}
        </div>
      </header>
      {entry.description && <p className="policy-desc">{entry.description}</p>}
      {!entry.valid && <div className="policy-warning">The stored value does not fit this policy any more, so the engine uses the default.</div>}
      <div className="view-switch" role="group" aria-label={`${policyTitle(entry.key)}: how to edit`}>
        <button type="button" className={`chip chip-small${mode === 'form' ? ' is-on' : ''}`} aria-pressed={mode === 'form'} disabled={jsonBroken} onClick={() => switchMode('form')}>
          Form
        </button>
        <button type="button" className={`chip chip-small${mode === 'json' ? ' is-on' : ''}`} aria-pressed={mode === 'json'} onClick={() => switchMode('json')}>
          JSON
        </button>
      </div>
      <div className="policy-fields">
        {mode === 'form' ? (
          <ObjectFields bare schema={schema} value={value} onChange={put} path="" label={policyTitle(entry.key)} issues={issues} idBase={idBase} />
        ) : (
          <JsonEditor label={`${entry.key} as JSON`} value={jsonText} rows={Math.min(16, jsonText.split('\n').length + 1)} onChange={setJsonText} problem={issues.length ? issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`).join(' ') : null} />
        )}
      </div>
      {(serverError || (tried && issues.length > 0)) && (
        <div className="field-error policy-error" role="alert" data-testid="policy-error">
          {serverError ?? `Fix the ${issues.length === 1 ? 'marked field' : `${issues.length} marked fields`} first; nothing was saved.`}
        </div>
      )}
      <PolicyPreview policyKey={entry.key} value={current} disabled={!dirty || issues.length > 0 || jsonBroken} />
      <footer className="policy-actions">
        <button type="button" className="btn btn-ghost btn-small" disabled={isDefault} onClick={() => put(entry.defaultValue)}>
          Reset to default
        </button>
        <button type="button" className="btn btn-ghost btn-small" disabled={!dirty} onClick={() => put(entry.value)}>
          Discard
        </button>
        <button type="button" className="btn btn-primary btn-small" disabled={!dirty || saving} onClick={() => void onSave()}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </footer>
    </article>
  );
}
