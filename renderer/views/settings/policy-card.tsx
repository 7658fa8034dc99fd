import { useState } from 'react';
import { JsonEditor } from '../../components/json-editor.js';
import { Toggle } from '../../components/toggle.js';
import { shortDate } from '../../lib/time-format.js';
import type { PolicyEntry } from '../../store/entities.js';
import { usePolicies } from '../../store/policy-store.js';
import { toastSuccess } from '../../store/toast-store.js';
import { brokenJsonField, fromDraft, humanKey, sameValue, toDraft, type FieldDraft, type PolicyDraft } from './policy-draft.js';

function FieldEditor({ policy, name, field, onChange }: { policy: string; name: string; field: FieldDraft; onChange(f: FieldDraft): void }) {
  const label = name.replace(/_/g, ' ');
  if (field.type === 'bool') {
    return (
      <div className="policy-field policy-field-inline">
        <span className="field-label">{label}</span>
        <Toggle label={`${policy} ${name}`} checked={field.value} onChange={(value) => onChange({ type: 'bool', value })} />
      </div>
    );
  }
  if (field.type === 'number') {
    return (
      <label className="policy-field policy-field-inline">
        <span className="field-label">{label}</span>
        <input
          className="input input-number"
          type="number"
          name={name}
          aria-label={`${policy} ${name}`}
          value={field.text}
          step="any"
          onChange={(e) => onChange({ type: 'number', text: e.target.value })}
        />
      </label>
    );
  }
  return (
    <div className="policy-field">
      <span className="field-label">{label}</span>
      <JsonEditor label={`${policy} ${name}`} value={field.text} rows={Math.min(10, field.text.split('\n').length + 1)} onChange={(text) => onChange({ type: 'json', text })} />
    </div>
  );
}

/** One policy: what it does, its value as switches, numbers and JSON, Save, and Reset to default. */
export function PolicyCard({ entry }: { entry: PolicyEntry }) {
  const save = usePolicies((s) => s.save);
  const [draft, setDraft] = useState<PolicyDraft>(() => toDraft(entry.value));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const value = fromDraft(draft);
  const dirty = !sameValue(value, entry.value);
  const isDefault = sameValue(value, entry.defaultValue);
  const broken = brokenJsonField(draft);

  const onSave = async (): Promise<void> => {
    setSaving(true);
    setError(null);
    const refusal = await save(entry.key, value);
    setSaving(false);
    if (refusal) setError(refusal);
    else toastSuccess(`Saved ${humanKey(entry.key)}`);
  };

  const setField = (name: string, f: FieldDraft): void => {
    setError(null);
    setDraft((d) => (d.shape === 'object' ? { shape: 'object', fields: d.fields.map(([k, old]) => [k, k === name ? f : old]) } : d));
  };

  return (
    <article className={`policy-card${dirty ? ' is-dirty' : ''}`} data-testid="policy-card" data-policy={entry.key}>
      <header className="policy-head">
        <div>
          <h3 className="policy-title">{humanKey(entry.key)}</h3>
          <code className="policy-key">{entry.key}</code>
        </div>
        <div className="policy-stamp">
          {sameValue(entry.value, entry.defaultValue) ? 'default' : entry.updatedAt ? `changed ${shortDate(entry.updatedAt)}` : 'changed'}
        </div>
      </header>
      {entry.description && <p className="policy-desc">{entry.description}</p>}
      {!entry.valid && <div className="policy-warning">The stored value does not fit this policy any more, so the engine uses the default.</div>}
      <div className="policy-fields">
        {draft.shape === 'object' ? (
          draft.fields.map(([name, f]) => <FieldEditor key={name} policy={entry.key} name={name} field={f} onChange={(nf) => setField(name, nf)} />)
        ) : (
          <JsonEditor label={entry.key} value={draft.text} onChange={(text) => setDraft({ shape: 'raw', text })} />
        )}
      </div>
      {error && (
        <div className="field-error policy-error" role="alert" data-testid="policy-error">
          {error}
        </div>
      )}
      <footer className="policy-actions">
        <button
          type="button"
          className="btn btn-ghost btn-small"
          disabled={isDefault}
          onClick={() => {
            setError(null);
            setDraft(toDraft(entry.defaultValue));
          }}
        >
          Reset to default
        </button>
        {dirty && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setDraft(toDraft(entry.value))}>
            Discard
          </button>
        )}
        <button type="button" className="btn btn-primary btn-small" disabled={!dirty || saving || broken !== null} onClick={() => void onSave()}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </footer>
    </article>
  );
}
