import { useState, type FormEvent } from 'react';
import { useModels, type PullState } from '../../store/models-store.js';
import { formatBytes, pullPercent } from './model-format.js';

function outcome(p: PullState): { tone: string; text: string } {
  if (!p.done) return { tone: 'running', text: p.cancelling ? 'Cancelling…' : p.status || 'starting' };
  if (p.status === 'success') return { tone: 'succeeded', text: 'Pulled' };
  if (p.status === 'cancelled') return { tone: 'cancelled', text: 'Cancelled' };
  return { tone: 'failed', text: p.error ?? 'Failed' };
}

function PullRow({ pull }: { pull: PullState }) {
  const cancel = useModels((s) => s.cancelPull);
  const dismiss = useModels((s) => s.dismissPull);
  const pct = pull.status === 'success' ? 100 : pullPercent(pull);
  const { tone, text } = outcome(pull);
  return (
    <li className={`pull-row pull-${tone}`} data-testid="pull-row" data-model={pull.model} data-status={pull.done ? pull.status : 'running'}>
      <div className="pull-line">
        <code className="pull-model">{pull.model}</code>
        <span className="pull-status" data-testid="pull-status" title={text}>
          {text}
        </span>
        {!pull.done ? (
          <button type="button" className="btn btn-ghost btn-small" disabled={pull.cancelling} onClick={() => void cancel(pull.pullId)}>
            Cancel
          </button>
        ) : (
          <button type="button" className="icon-btn" aria-label={`Dismiss ${pull.model}`} onClick={() => dismiss(pull.pullId)}>
            ×
          </button>
        )}
      </div>
      <div
        className={`progress pull-progress progress-${tone}`}
        role="progressbar"
        aria-label={`Pulling ${pull.model}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct === null ? undefined : Math.round(pct)}
      >
        <div className={`progress-fill${pct === null && !pull.done ? ' is-indeterminate' : ''}`} style={{ width: `${pct ?? (pull.done ? 100 : 30)}%` }} />
      </div>
      {!pull.done && (
        <div className="pull-meta">
          {pct !== null ? `${Math.floor(pct)}%` : 'waiting for sizes…'}
          {pull.total ? ` · ${formatBytes(pull.completed ?? 0)} of ${formatBytes(pull.total)}` : ''}
        </div>
      )}
    </li>
  );
}

/** A model name in, a download on the active host out, with its progress as the stream reports it. */
export function PullPanel() {
  const pulls = useModels((s) => s.pulls);
  const pull = useModels((s) => s.pull);
  const starting = useModels((s) => s.busy.has('pull'));
  const reachable = useModels((s) => s.llm?.status === 'ok');
  const [name, setName] = useState('');
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (await pull(name)) setName('');
  };
  return (
    <section className="panel" aria-label="Pull a model" data-testid="pull-panel">
      <header className="panel-head">
        <h2>Pull a model</h2>
        <a className="panel-meta" href="https://ollama.com/library" target="_blank" rel="noreferrer">
          Library ↗
        </a>
      </header>
      <form className="pull-form" onSubmit={(e) => void submit(e)}>
        <input
          className="input"
          name="model"
          aria-label="Model to pull"
          placeholder="e.g. llama3.2:3b"
          spellCheck={false}
          autoComplete="off"
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={!name.trim() || starting || !reachable} title={reachable ? undefined : 'No Ollama host answers'}>
          {starting ? 'Starting…' : 'Pull'}
        </button>
      </form>
      {pulls.length > 0 && (
        <ul className="pull-list">
          {pulls.map((p) => (
            <PullRow key={p.pullId} pull={p} />
          ))}
        </ul>
      )}
    </section>
  );
}
