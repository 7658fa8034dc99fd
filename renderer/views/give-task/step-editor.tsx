import { useId, useState } from 'react';
import { JsonEditor, parseJson } from '../../components/json-editor.js';
import { validate, type Issue, type JsonSchema } from '../../lib/json-schema.js';
import { kindLabel, payloadText, stepTemplates, templateFor } from '../../lib/step-templates.js';
import type { StepKindInfo } from '../../store/step-kinds-store.js';
import { ObjectFields } from '../settings/schema-form.js';

export interface StepDraft {
  key: number;
  kind: string;
  payload: string;
}

/** The payload's problem as a sentence, or null when it is a JSON object that fits the kind's schema. */
export function payloadProblem(text: string, schema?: JsonSchema): string | null {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed.error;
  const v = parsed.value;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'The payload is a JSON object, e.g. { "topic": "…" }.';
  const issues = schema ? validate(schema, v) : [];
  return issues.length ? issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`).join(' ') : null;
}

/** The kinds to offer: every kind the engine runs, and the templates' kinds when it has not said. */
export function offeredKinds(kinds: StepKindInfo[]): string[] {
  const engine = kinds.map((k) => k.kind);
  const known = stepTemplates.map((t) => t.kind);
  return engine.length ? [...known.filter((k) => engine.includes(k)), ...engine.filter((k) => !known.includes(k))] : known;
}

interface Props {
  index: number;
  step: StepDraft;
  kinds: StepKindInfo[];
  canRemove: boolean;
  onChange(step: StepDraft): void;
  onRemove(): void;
}

/** One step: its kind, and its payload as a form drawn from the kind's schema (JSON as a second view). */
export function StepEditor({ index, step, kinds, canRemove, onChange, onRemove }: Props) {
  const idBase = useId().replace(/:/g, '');
  const info = kinds.find((k) => k.kind === step.kind);
  const schema = info?.schema as JsonSchema | undefined;
  const hasForm = !!schema?.properties && Object.keys(schema.properties).length > 0;
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const parsed = parseJson(step.payload);
  const showForm = hasForm && mode === 'form' && parsed.ok;
  const issues: Issue[] = schema && parsed.ok ? validate(schema, parsed.value) : [];
  const problem = showForm ? null : payloadProblem(step.payload, schema);
  const label = `Step ${index + 1}`;
  return (
    <div className="step-editor" data-testid="step-editor" data-kind={step.kind}>
      <div className="step-editor-head">
        <span className="step-number">{index + 1}</span>
        <select
          className="input"
          aria-label={`${label} kind`}
          value={step.kind}
          onChange={(e) => {
            const kind = e.target.value;
            // A new kind brings its template, unless the payload was edited by hand.
            const untouched = step.payload === payloadText(step.kind);
            onChange({ ...step, kind, payload: untouched ? payloadText(kind) : step.payload });
          }}
        >
          {[...offeredKinds(kinds), ...(offeredKinds(kinds).includes(step.kind) ? [] : [step.kind])].map((k) => (
            <option key={k} value={k}>
              {kindLabel(k)}
            </option>
          ))}
        </select>
        <span className="step-hint">
          {templateFor(step.kind)?.hint}
          {info && !info.autoApproved ? ' Waits for your approval.' : ''}
        </span>
        {hasForm && (
          <span className="view-switch" role="group" aria-label={`${label}: how to edit`}>
            <button type="button" className={`chip chip-small${showForm ? ' is-on' : ''}`} aria-pressed={showForm} disabled={!parsed.ok} onClick={() => setMode('form')}>
              Form
            </button>
            <button type="button" className={`chip chip-small${!showForm ? ' is-on' : ''}`} aria-pressed={!showForm} onClick={() => setMode('json')}>
              JSON
            </button>
          </span>
        )}
        {canRemove && (
          <button type="button" className="icon-btn" aria-label={`Remove step ${index + 1}`} onClick={onRemove}>
            ×
          </button>
        )}
      </div>
      {showForm && schema ? (
        <div className="step-form policy-fields">
          <ObjectFields bare schema={schema} value={parsed.value} onChange={(v) => onChange({ ...step, payload: JSON.stringify(v, null, 2) })} path="" label={label} issues={issues} idBase={idBase} />
        </div>
      ) : (
        <JsonEditor label={`${label} payload`} value={step.payload} rows={4} problem={parsed.ok ? problem : null} onChange={(payload) => onChange({ ...step, payload })} />
      )}
    </div>
  );
}
