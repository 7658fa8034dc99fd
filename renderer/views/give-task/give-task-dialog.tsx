import { useEffect, useState, type FormEvent } from 'react';
import { Modal } from '../../components/modal.js';
import { payloadText } from '../../lib/step-templates.js';
import { errorMessage } from '../../transport/transport.js';
import { useAgents } from '../../store/agents-store.js';
import type { CreateProposalResult } from '../../store/entities.js';
import { useProposals } from '../../store/proposals-store.js';
import { useStepKinds } from '../../store/step-kinds-store.js';
import type { JsonSchema } from '../../lib/json-schema.js';
import { useUi } from '../../store/ui-store.js';
import { GiveTaskResult } from './give-task-result.js';
import { payloadProblem, StepEditor, type StepDraft } from './step-editor.js';

let nextKey = 1;
const newStep = (kind = 'analyze'): StepDraft => ({ key: nextKey++, kind, payload: payloadText(kind) });

/** Give an agent a task: a proposal with one or more steps, sent through the same gates as the agents' own. */
export function GiveTaskDialog({ initialAgentId }: { initialAgentId: string | null }) {
  const allAgents = useAgents((s) => s.agents);
  const agents = allAgents.filter((a) => a.enabled);
  const close = useUi((s) => s.closeGiveTask);
  const create = useProposals((s) => s.create);
  const [agentId, setAgentId] = useState(initialAgentId ?? agents[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [steps, setSteps] = useState<StepDraft[]>(() => [newStep()]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<CreateProposalResult | null>(null);
  const kinds = useStepKinds((s) => s.kinds);
  const loadKinds = useStepKinds((s) => s.load);
  useEffect(() => void loadKinds(), [loadKinds]);
  const schemaOf = (kind: string): JsonSchema | undefined => kinds.find((k) => k.kind === kind)?.schema as JsonSchema | undefined;

  const problems = steps.map((s) => payloadProblem(s.payload, schemaOf(s.kind)));
  const canSubmit = !busy && agentId && title.trim() && problems.every((p) => p === null);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!canSubmit) return;
    setBusy(true);
    setError(null);
    try {
      const out = await create({
        agentId,
        title: title.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        steps: steps.map((s) => ({ kind: s.kind, payload: JSON.parse(s.payload) as Record<string, unknown> })),
      });
      setResult(out);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const reset = (): void => {
    setResult(null);
    setTitle('');
    setDescription('');
    setSteps([newStep()]);
  };

  if (result) {
    return (
      <Modal title="Give task" onClose={close}>
        <GiveTaskResult result={result} kinds={steps.map((s) => s.kind)} onAnother={reset} onClose={close} />
      </Modal>
    );
  }

  return (
    <Modal
      title="Give task"
      onClose={close}
      wide
      footer={
        <>
          {error && <div className="field-error footer-error">{error}</div>}
          <button type="button" className="btn btn-ghost" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="give-task-form" className="btn btn-primary" disabled={!canSubmit}>
            {busy ? 'Proposing…' : 'Propose task'}
          </button>
        </>
      }
    >
      <form id="give-task-form" className="form" onSubmit={(e) => void submit(e)}>
        <div className="form-row">
          <label className="field">
            <span className="field-label">Agent</span>
            <select className="input" value={agentId} onChange={(e) => setAgentId(e.target.value)} name="agent">
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.displayName} — {a.role}
                </option>
              ))}
            </select>
          </label>
          <label className="field field-grow">
            <span className="field-label">Title</span>
            <input className="input" name="title" value={title} maxLength={300} placeholder="What should get done?" onChange={(e) => setTitle(e.target.value)} />
          </label>
        </div>
        <label className="field">
          <span className="field-label">Notes (optional)</span>
          <textarea className="input" rows={2} value={description} maxLength={4000} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <div className="field">
          <span className="field-label">Steps, run in order</span>
          <div className="step-list">
            {steps.map((s, i) => (
              <StepEditor
                key={s.key}
                index={i}
                step={s}
                kinds={kinds}
                canRemove={steps.length > 1}
                onChange={(next) => setSteps((all) => all.map((x) => (x.key === s.key ? next : x)))}
                onRemove={() => setSteps((all) => all.filter((x) => x.key !== s.key))}
              />
            ))}
          </div>
          {steps.length < 20 && (
            <button type="button" className="btn btn-small btn-ghost add-step" onClick={() => setSteps((all) => [...all, newStep('wait')])}>
              + Add step
            </button>
          )}
        </div>
      </form>
    </Modal>
  );
}
