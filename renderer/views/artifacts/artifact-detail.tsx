import { useEffect, useState } from 'react';
import type { CallOutput } from '../../../core/api/contract.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { Markdown } from '../../lib/markdown.js';
import { artifactHref, missionHref } from '../../lib/router.js';
import { shortDate } from '../../lib/time-format.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { callQuiet } from '../../store/call.js';
import { toastSuccess } from '../../store/toast-store.js';
import { errorMessage } from '../../transport/transport.js';

type Got = CallOutput<'artifacts.get'>;

/** One artifact, whole: read as markdown (or its source), its versions, and Edit, which saves a new version. */
export function ArtifactDetail({ id, onSaved }: { id: number; onSaved(newId: number): void }) {
  const agents = useAgents((s) => s.agents);
  const [got, setGot] = useState<Got | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<'read' | 'source' | 'edit'>('read');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    setGot(null);
    setError(null);
    setView('read');
    callQuiet('artifacts.get', { id }).then(setGot, (err: unknown) => setError(errorMessage(err)));
  }, [id]);

  if (error) return <EmptyState title={`Artifact #${id} could not be loaded`}>{error}</EmptyState>;
  if (!got) return <Skeleton lines={10} />;
  const a = got.artifact;
  const newest = got.versions[got.versions.length - 1];
  const isNewest = !newest || newest.id === a.id;

  const startEdit = (): void => {
    setTitle(a.title);
    setText(a.content);
    setSaveError(null);
    setView('edit');
  };
  const save = async (): Promise<void> => {
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await callQuiet('artifacts.saveVersion', { id: a.id, title, content: text });
      toastSuccess(`Saved version ${saved.version}`, 'The earlier version is kept.');
      onSaved(saved.id);
    } catch (err) {
      setSaveError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <article className="panel artifact-detail" data-testid="artifact-detail" aria-labelledby="artifact-title">
      <header className="panel-head">
        <div>
          <h2 id="artifact-title">{a.title || `Untitled ${a.kind}`}</h2>
          <div className="cell-sub">
            {a.kind} · version {a.version} · {agentName(agents, a.agentId)} · {shortDate(a.createdAt)} · {a.chars.toLocaleString('en-US')} characters
            {a.missionId !== null && (
              <>
                {' · '}
                <a href={missionHref(a.missionId)}>mission #{a.missionId}</a>
              </>
            )}
          </div>
        </div>
      </header>
      {!isNewest && newest && (
        <div className="policy-warning" role="note">
          This is an older version. <a href={artifactHref(newest.id)}>Read the newest (version {newest.version})</a>.
        </div>
      )}
      <div className="view-switch" role="group" aria-label="How to show the artifact">
        {(['read', 'source'] as const).map((v) => (
          <button key={v} type="button" className={`chip chip-small${view === v ? ' is-on' : ''}`} aria-pressed={view === v} onClick={() => setView(v)}>
            {v === 'read' ? 'Read' : 'Source'}
          </button>
        ))}
        <button type="button" className={`chip chip-small${view === 'edit' ? ' is-on' : ''}`} aria-pressed={view === 'edit'} onClick={startEdit}>
          Edit as new version
        </button>
      </div>
      {view === 'read' && <Markdown source={a.content} />}
      {view === 'source' && (
        <pre className="artifact-source" tabIndex={0}>
          {a.content}
        </pre>
      )}
      {view === 'edit' && (
        <form
          className="artifact-edit"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label className="field">
            <span className="field-label">Title</span>
            <input className="input" value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">Text (markdown)</span>
            <textarea className="input artifact-text" rows={18} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          {saveError && (
            <div className="field-error" role="alert">
              {saveError}
            </div>
          )}
          <footer className="policy-actions">
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setView('read')}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary btn-small" disabled={saving || (title === a.title && text === a.content)}>
              {saving ? 'Saving…' : `Save as version ${(newest?.version ?? a.version) + 1}`}
            </button>
          </footer>
        </form>
      )}
      {got.versions.length > 1 && (
        <nav className="artifact-versions" aria-label="Versions">
          <span className="field-label">Versions</span>
          <ol>
            {got.versions.map((v) => (
              <li key={v.id}>
                {v.id === a.id ? (
                  <strong aria-current="true">v{v.version}</strong>
                ) : (
                  <a href={artifactHref(v.id)}>v{v.version}</a>
                )}{' '}
                <span className="cell-sub">{shortDate(v.createdAt)}</span>
              </li>
            ))}
          </ol>
        </nav>
      )}
    </article>
  );
}
