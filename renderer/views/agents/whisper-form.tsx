import { useState, type FormEvent } from 'react';
import { useAgentDetail, type WhisperType } from '../../store/agent-detail-store.js';
import { toastSuccess } from '../../store/toast-store.js';

/** A note from you, kept as the agent's memory: a preference it should honour or an insight it should know. */
export function WhisperForm({ agentName }: { agentName: string }) {
  const whisper = useAgentDetail((s) => s.whisper);
  const [type, setType] = useState<WhisperType>('preference');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    const refusal = await whisper(type, text);
    setBusy(false);
    if (refusal) setError(refusal);
    else {
      setText('');
      toastSuccess(`${agentName} will remember that`);
    }
  };
  return (
    <section className="panel" aria-label="Whisper a note" data-testid="whisper-form">
      <header className="panel-head">
        <h2>Whisper a note</h2>
        <span className="panel-meta">becomes a memory {agentName} acts on</span>
      </header>
      <form className="whisper-form" onSubmit={(e) => void submit(e)}>
        <div className="chip-row" role="radiogroup" aria-label="Kind of note">
          {(['preference', 'insight'] as const).map((t) => (
            <button key={t} type="button" role="radio" aria-checked={type === t} className={`chip${type === t ? ' is-on' : ''}`} onClick={() => setType(t)}>
              {t}
            </button>
          ))}
        </div>
        <textarea
          className="input"
          rows={2}
          maxLength={2000}
          aria-label="Note"
          placeholder={type === 'preference' ? 'e.g. Keep posts under 200 characters.' : 'e.g. Our users mostly read on mobile.'}
          value={text}
          onChange={(e) => {
            setError(null);
            setText(e.target.value);
          }}
        />
        {error && (
          <div className="field-error" role="alert">
            {error}
          </div>
        )}
        <div className="whisper-actions">
          <button type="submit" className="btn btn-primary btn-small" disabled={busy || !text.trim()}>
            {busy ? 'Whispering…' : 'Whisper'}
          </button>
        </div>
      </form>
    </section>
  );
}
