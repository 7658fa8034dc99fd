import { JsonEditor, parseJson } from '../../components/json-editor.js';
import { payloadText, stepTemplates, templateFor } from '../../lib/step-templates.js';

export interface StepDraft {
  key: number;
  kind: string;
  payload: string;
}

/** The payload's problem as a sentence, or null when it is a JSON object. */
export function payloadProblem(text: string): string | null {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed.error;
  const v = parsed.value;
  return v && typeof v === 'object' && !Array.isArray(v) ? null : 'The payload is a JSON object, e.g. { "topic": "…" }.';
}

interface Props {
  index: number;
  step: StepDraft;
  canRemove: boolean;
  onChange(step: StepDraft): void;
  onRemove(): void;
}

export function StepEditor({ index, step, canRemove, onChange, onRemove }: Props) {
  const parsed = parseJson(step.payload);
  const objectProblem = parsed.ok ? payloadProblem(step.payload) : null;
  return (
    <div className="step-editor" data-testid="step-editor">
      <div className="step-editor-head">
        <span className="step-number">{index + 1}</span>
        <select
          className="input"
          aria-label={`Step ${index + 1} kind`}
          value={step.kind}
          onChange={(e) => {
            const kind = e.target.value;
            // A new kind brings its template, unless the payload was edited by hand.
            const untouched = step.payload === payloadText(step.kind);
            onChange({ ...step, kind, payload: untouched ? payloadText(kind) : step.payload });
          }}
        >
          {stepTemplates.map((t) => (
            <option key={t.kind} value={t.kind}>
              {t.label}
            </option>
          ))}
        </select>
        <span className="step-hint">{templateFor(step.kind)?.hint}</span>
        {canRemove && (
          <button type="button" className="icon-btn" aria-label={`Remove step ${index + 1}`} onClick={onRemove}>
            ×
          </button>
        )}
      </div>
      <JsonEditor label={`Step ${index + 1} payload`} value={step.payload} rows={4} problem={objectProblem} onChange={(payload) => onChange({ ...step, payload })} />
    </div>
  );
}
