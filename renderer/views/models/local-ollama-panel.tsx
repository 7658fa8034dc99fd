import { Skeleton } from '../../components/empty-state.js';
import { useModels, type LocalOllamaState } from '../../store/models-store.js';

const labels: Record<LocalOllamaState['status'], { text: string; tone: string }> = {
  not_installed: { text: 'not installed', tone: 'muted' },
  stopped: { text: 'stopped', tone: 'muted' },
  starting: { text: 'starting', tone: 'live' },
  running: { text: 'running', tone: 'ok' },
  exited: { text: 'exited', tone: 'bad' },
};

function explain(s: LocalOllamaState): string {
  switch (s.status) {
    case 'not_installed':
      return 'No "ollama" program was found on this machine. Install it from ollama.com, then start it here.';
    case 'stopped':
      return `Not running. Start it to serve models on ${s.host}.`;
    case 'starting':
      return `Waiting for it to answer on ${s.host}…`;
    case 'running':
      return s.external ? `Already running on ${s.host}, started outside the app: the app leaves it alone.` : `Serving on ${s.host}${s.pid ? ` (pid ${s.pid})` : ''}.`;
    case 'exited':
      return `It stopped${s.exitCode !== null && s.exitCode !== undefined ? ` with code ${s.exitCode}` : ''}${s.signal ? ` (${s.signal})` : ''}.`;
  }
}

/** `ollama serve` on this machine, started and stopped by the app. Hidden where the engine cannot do that. */
export function LocalOllamaPanel() {
  const local = useModels((s) => s.local);
  const hidden = useModels((s) => s.localHidden);
  const loaded = useModels((s) => s.loaded);
  const busy = useModels((s) => s.busy.has('local'));
  const act = useModels((s) => s.localAction);
  if (hidden) return null;
  const label = local ? labels[local.status] : null;
  const canStart = local?.status === 'stopped' || local?.status === 'exited';
  const canStop = (local?.status === 'running' && !local.external) || local?.status === 'starting';
  return (
    <section className="panel" aria-label="Local Ollama" data-testid="local-ollama" data-status={local?.status}>
      <header className="panel-head">
        <h2>Ollama on this machine</h2>
        {label && <span className={`badge badge-${label.tone}`}>{label.text}</span>}
      </header>
      {!local ? (
        loaded ? <p className="models-note">Its state is unknown.</p> : <Skeleton lines={2} />
      ) : (
        <>
          <p className="models-note">{explain(local)}</p>
          {local.binary && (
            <div className="cell-sub">
              Program <code>{local.binary}</code>
            </div>
          )}
          {local.lastLines.length > 0 && local.status !== 'running' && (
            <pre className="local-lines" aria-label="Last lines of its output">
              {local.lastLines.slice(-12).join('\n')}
            </pre>
          )}
          {(canStart || canStop) && (
            <div className="local-actions">
              {canStart && (
                <button type="button" className="btn btn-primary btn-small" disabled={busy} onClick={() => void act('start').catch(() => {})}>
                  {busy ? 'Starting…' : 'Start'}
                </button>
              )}
              {canStop && (
                <button type="button" className="btn btn-ghost btn-small" disabled={busy} onClick={() => void act('stop').catch(() => {})}>
                  {busy ? 'Stopping…' : 'Stop'}
                </button>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
