import { useState } from 'react';
import { JsonEditor, parseJson } from '../../components/json-editor.js';
import { Modal } from '../../components/modal.js';
import { useAutonomy, type TriggerRule } from '../../store/autonomy-store.js';
import { toastSuccess } from '../../store/toast-store.js';

const pretty = (v: unknown): string => JSON.stringify(v, null, 2);

function objectProblem(text: string): string | null {
  const parsed = parseJson(text);
  if (!parsed.ok) return null;
  return typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value) ? null : 'must be a JSON object, e.g. {"key": 1}';
}

/** Edits a rule's cooldown, conditions and action; the engine checks them and says what it refuses. */
export function RuleEditor({ rule, onClose }: { rule: TriggerRule; onClose(): void }) {
  const update = useAutonomy((s) => s.update);
  const busy = useAutonomy((s) => s.busy.has(rule.id));
  const [cooldown, setCooldown] = useState(String(rule.cooldownMinutes));
  const [conditions, setConditions] = useState(pretty(rule.conditions));
  const [action, setAction] = useState(pretty(rule.actionConfig));
  const [error, setError] = useState<string | null>(null);

  const c = parseJson(conditions);
  const a = parseJson(action);
  const cooldownNumber = Number(cooldown);
  const cooldownProblem = cooldown.trim() === '' || !Number.isInteger(cooldownNumber) || cooldownNumber < 0 ? 'a whole number of minutes, 0 or more' : null;
  const broken = !c.ok || !a.ok || objectProblem(conditions) !== null || objectProblem(action) !== null || cooldownProblem !== null;

  const onSave = async (): Promise<void> => {
    if (!c.ok || !a.ok) return;
    setError(null);
    const refusal = await update(rule.id, {
      cooldownMinutes: cooldownNumber,
      conditions: c.value as Record<string, unknown>,
      actionConfig: a.value as Record<string, unknown>,
    });
    if (refusal) {
      setError(refusal);
      return;
    }
    toastSuccess(`Saved ${rule.name}`);
    onClose();
  };

  return (
    <Modal
      title={`Edit rule ${rule.name}`}
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={broken || busy} onClick={() => void onSave()}>
            {busy ? 'Saving…' : 'Save rule'}
          </button>
        </>
      }
    >
      <div className="rule-editor" data-testid="rule-editor">
        <p className="models-note">
          {rule.kind === 'proactive' || rule.triggerEvent === 'proactive' ? (
            <>
              A <strong>proactive</strong> rule: it runs by itself once its cooldown has passed, not in answer to an event.
            </>
          ) : (
            <>
              A <strong>{rule.kind}</strong> rule, answering <code>{rule.triggerEvent.replace(/_/g, ' ')}</code> events.
            </>
          )}{' '}
          The engine checks the conditions and the action against this kind of rule before it saves them.
        </p>
        <label className="field">
          <span className="field-label">Cooldown (minutes)</span>
          <input
            className="input input-number"
            type="number"
            min={0}
            aria-label="Cooldown minutes"
            value={cooldown}
            onChange={(e) => {
              setError(null);
              setCooldown(e.target.value);
            }}
          />
          {cooldownProblem && <span className="field-error">{cooldownProblem}</span>}
        </label>
        <div className="rule-editor-grid">
          <div className="field">
            <span className="field-label">Conditions</span>
            <JsonEditor
              label="Rule conditions"
              rows={12}
              value={conditions}
              problem={objectProblem(conditions)}
              onChange={(t) => {
                setError(null);
                setConditions(t);
              }}
            />
          </div>
          <div className="field">
            <span className="field-label">Action</span>
            <JsonEditor
              label="Rule action"
              rows={12}
              value={action}
              problem={objectProblem(action)}
              onChange={(t) => {
                setError(null);
                setAction(t);
              }}
            />
          </div>
        </div>
        {error && (
          <div className="field-error policy-error" role="alert" data-testid="rule-error">
            {error}
          </div>
        )}
      </div>
    </Modal>
  );
}
