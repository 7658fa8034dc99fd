import { useState } from 'react';
import { timeAgo } from '../../lib/time-format.js';
import { useAgentDetail, type Memory } from '../../store/agent-detail-store.js';
import { toastSuccess } from '../../store/toast-store.js';
import { WhyButton } from '../explain/why-button.js';

const typeTones: Record<string, string> = { insight: 'info', pattern: 'live', strategy: 'ok', preference: 'warn', lesson: 'bad' };

function Editor({ memory, onDone }: { memory: Memory; onDone(): void }) {
  const updateMemory = useAgentDetail((s) => s.updateMemory);
  const [content, setContent] = useState(memory.content);
  const [confidence, setConfidence] = useState(memory.confidence.toFixed(2));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const conf = Number(confidence);
  const confProblem = confidence.trim() === '' || !Number.isFinite(conf) ? 'a number from 0 to 1' : null;
  const save = async (): Promise<void> => {
    const patch = {
      ...(content.trim() !== memory.content ? { content } : {}),
      ...(!confProblem && conf !== memory.confidence ? { confidence: conf } : {}),
    };
    if (Object.keys(patch).length === 0) {
      onDone();
      return;
    }
    setSaving(true);
    const refusal = await updateMemory(memory.id, patch);
    setSaving(false);
    if (refusal) setError(refusal);
    else {
      toastSuccess(`Saved memory #${memory.id}`);
      onDone();
    }
  };
  return (
    <div className="memory-editor">
      <textarea
        className="input memory-text-input"
        aria-label={`Content of memory #${memory.id}`}
        rows={3}
        value={content}
        onChange={(e) => {
          setError(null);
          setContent(e.target.value);
        }}
      />
      <div className="memory-editor-foot">
        <label className="metric-field">
          <span className="field-label">Confidence</span>
          <input
            className="input input-number"
            type="number"
            step={0.05}
            aria-label={`Confidence of memory #${memory.id}`}
            value={confidence}
            onChange={(e) => {
              setError(null);
              setConfidence(e.target.value);
            }}
          />
        </label>
        <button type="button" className="btn btn-ghost btn-small" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary btn-small" disabled={saving || confProblem !== null} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
      {(error ?? confProblem) && (
        <div className="field-error" role="alert" data-testid="memory-error">
          {error ?? confProblem}
        </div>
      )}
    </div>
  );
}

/** One memory: type, confidence, where it came from, its tags; edit or forget it. */
export function MemoryRow({ memory, now }: { memory: Memory; now: number }) {
  const deleteMemory = useAgentDetail((s) => s.deleteMemory);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  return (
    <li className={`memory-row${memory.supersededBy ? ' is-superseded' : ''}`} data-testid="memory-row" data-memory={memory.id} data-type={memory.type}>
      <div className="memory-head">
        <span className={`badge badge-${typeTones[memory.type] ?? 'muted'}`}>{memory.type}</span>
        <span className="confidence" title="Confidence" data-testid="memory-confidence">
          <span className="confidence-bar">
            <span style={{ width: `${memory.confidence * 100}%` }} />
          </span>
          <span className="num">{memory.confidence.toFixed(2)}</span>
        </span>
        <span className="cell-sub">
          from {memory.provenance} · {timeAgo(memory.createdAt, now)}
        </span>
        {memory.supersededBy && <span className="badge badge-muted">superseded by #{memory.supersededBy}</span>}
        {!editing && (
          <span className="row-actions memory-actions">
            <WhyButton subject={{ memoryId: memory.id }} />
            <button type="button" className="btn btn-ghost btn-small" aria-label={`Edit memory #${memory.id}`} onClick={() => setEditing(true)}>
              Edit
            </button>
            {confirming ? (
              <>
                <button type="button" className="btn btn-ghost btn-small" onClick={() => setConfirming(false)}>
                  Keep
                </button>
                <button type="button" className="btn btn-danger btn-small" onClick={() => void deleteMemory(memory.id)}>
                  Forget it
                </button>
              </>
            ) : (
              <button type="button" className="btn btn-ghost btn-small" aria-label={`Delete memory #${memory.id}`} onClick={() => setConfirming(true)}>
                Delete
              </button>
            )}
          </span>
        )}
      </div>
      {editing ? <Editor memory={memory} onDone={() => setEditing(false)} /> : <p className="memory-text">{memory.content}</p>}
      {memory.tags.length > 0 && (
        <div className="chip-row memory-tags">
          {[...new Set(memory.tags)].map((t) => (
            <span key={t} className="tag">
              {t}
            </span>
          ))}
        </div>
      )}
    </li>
  );
}
