import { useState, type FormEvent } from 'react';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { Modal } from '../../components/modal.js';
import { navigate } from '../../lib/router.js';
import { useAgents } from '../../store/agents-store.js';
import { useRoundtables } from '../../store/roundtables-store.js';
import { toastSuccess } from '../../store/toast-store.js';

/** Starts a conversation now: a format, optionally a topic and who takes part (else the format decides). */
export function StartDialog({ onClose }: { onClose(): void }) {
  const formats = useRoundtables((s) => s.formats);
  const enqueue = useRoundtables((s) => s.enqueue);
  const agents = useAgents((s) => s.agents).filter((a) => a.enabled);
  const [format, setFormat] = useState(() => formats.find((f) => f.id === 'watercooler')?.id ?? formats[0]?.id ?? '');
  const [topic, setTopic] = useState('');
  const [people, setPeople] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const f = formats.find((x) => x.id === format);
  const countProblem =
    f && people.length > 0 && (people.length < f.minAgents || people.length > f.maxAgents)
      ? `A ${f.label.toLowerCase()} takes ${f.minAgents === f.maxAgents ? f.minAgents : `${f.minAgents} to ${f.maxAgents}`} agents.`
      : null;

  const toggle = (id: string): void => {
    setError(null);
    setPeople((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!format || countProblem) return;
    setBusy(true);
    setError(null);
    const res = await enqueue({ format, ...(topic.trim() ? { topic: topic.trim() } : {}), ...(people.length ? { participants: people } : {}) });
    setBusy(false);
    if (!res.ok) {
      setError(res.error);
      return;
    }
    toastSuccess(`Conversation #${res.conversation.id} queued`, res.conversation.topic);
    onClose();
    navigate({ view: 'roundtables', conversationId: res.conversation.id });
  };

  return (
    <Modal title="Start a conversation" onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)} data-testid="start-conversation">
        <label className="field">
          <span className="field-label">Format</span>
          <select
            className="input"
            name="format"
            aria-label="Format"
            value={format}
            onChange={(e) => {
              setError(null);
              setFormat(e.target.value);
            }}
          >
            {formats.map((x) => (
              <option key={x.id} value={x.id}>
                {x.label}
              </option>
            ))}
          </select>
          {f && (
            <span className="cell-sub">
              {f.purpose} · {f.minAgents === f.maxAgents ? f.minAgents : `${f.minAgents}–${f.maxAgents}`} agents · {f.minTurns}–{f.maxTurns} turns
            </span>
          )}
        </label>
        <label className="field">
          <span className="field-label">Topic (optional)</span>
          <input
            className="input"
            name="topic"
            maxLength={300}
            placeholder={f?.topics[0] ? `e.g. ${f.topics[0]}` : 'The format picks one'}
            value={topic}
            onChange={(e) => {
              setError(null);
              setTopic(e.target.value);
            }}
          />
        </label>
        <fieldset className="field participants">
          <legend className="field-label">Participants (optional: the format picks when none are chosen)</legend>
          <div className="participant-grid">
            {agents.map((a) => (
              <label key={a.id} className={`participant${people.includes(a.id) ? ' is-on' : ''}`}>
                <input type="checkbox" checked={people.includes(a.id)} aria-label={a.displayName} onChange={() => toggle(a.id)} />
                <AgentAvatar agentId={a.id} name={a.displayName} size="sm" />
                <span>{a.displayName}</span>
              </label>
            ))}
          </div>
          {countProblem && <span className="field-error">{countProblem}</span>}
        </fieldset>
        {error && (
          <div className="field-error policy-error" role="alert" data-testid="start-error">
            {error}
          </div>
        )}
        <div className="modal-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !format || countProblem !== null}>
            {busy ? 'Starting…' : 'Start'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
