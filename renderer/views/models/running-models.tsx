import { EmptyState } from '../../components/empty-state.js';
import { clockTime, timeAgo } from '../../lib/time-format.js';
import { useModels } from '../../store/models-store.js';
import { formatBytes, formatContext, isForever } from './model-format.js';

/** Models loaded in memory now (Ollama's /api/ps), and when each leaves unless used again. */
export function RunningModels({ now }: { now: number }) {
  const running = useModels((s) => s.running);
  const reachable = useModels((s) => s.llm?.status === 'ok');
  const busy = useModels((s) => s.busy);
  const unload = useModels((s) => s.unload);
  return (
    <section className="panel" aria-label="Running models" data-testid="running-models">
      <header className="panel-head">
        <h2>Loaded in memory</h2>
        <span className="panel-meta">{reachable ? `${running.length} running` : 'unknown'}</span>
      </header>
      {!reachable ? (
        <EmptyState title="No host answers" />
      ) : running.length === 0 ? (
        <EmptyState title="Nothing loaded">A model loads on its first call and stays loaded for the time set in Settings → Policies → LLM (Ollama) → Keep model loaded for.</EmptyState>
      ) : (
        <table className="table models-table">
          <thead>
            <tr>
              <th>Model</th>
              <th className="num-col">In VRAM</th>
              <th className="num-col">Context</th>
              <th>Unloads</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {running.map((m) => {
              const onGpu = m.size > 0 ? Math.round((m.sizeVram / m.size) * 100) : null;
              return (
                <tr key={m.name} data-testid="running-row" data-model={m.name}>
                  <td>
                    <code className="cell-title">{m.name}</code>
                  </td>
                  <td className="num num-col nowrap">
                    {formatBytes(m.sizeVram)}
                    {onGpu !== null && onGpu < 100 && <div className="cell-sub">{onGpu}% on GPU</div>}
                  </td>
                  <td className="num num-col">{formatContext(m.contextLength)}</td>
                  <td className="nowrap" data-testid="running-expires">
                    {isForever(m.expiresAt, now) ? (
                      'kept loaded'
                    ) : (
                      <>
                        {timeAgo(m.expiresAt, now)} <span className="cell-sub">at {clockTime(m.expiresAt)}</span>
                      </>
                    )}
                  </td>
                  <td>
                    <div className="row-actions">
                      <button type="button" className="btn btn-ghost btn-small" disabled={busy.has(`unload:${m.name}`)} onClick={() => void unload(m.name).catch(() => {})}>
                        Unload
                      </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
