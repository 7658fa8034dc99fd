import { Skeleton } from '../../components/empty-state.js';
import { routeHref } from '../../lib/router.js';
import { useModels } from '../../store/models-store.js';

const bare = (host: string): string => host.replace(/\/+$/, '');

/** The Ollama hosts of llm_policy, in the order the engine tries them, and which one it uses now. */
export function HostsPanel() {
  const hosts = useModels((s) => s.hosts);
  const llm = useModels((s) => s.llm);
  const loaded = useModels((s) => s.loaded);
  const active = llm?.active ? bare(llm.active) : null;
  return (
    <section className="panel" aria-label="Ollama hosts" data-testid="hosts-panel">
      <header className="panel-head">
        <h2>Ollama hosts</h2>
        <a className="panel-meta" href={routeHref({ view: 'settings' })} title="Hosts are the llm_policy policy">
          Edit in Settings →
        </a>
      </header>
      {!loaded ? (
        <Skeleton lines={2} />
      ) : hosts.length === 0 ? (
        <p className="models-note">No host could be checked.</p>
      ) : (
        <ul className="host-list">
          {hosts.map((h) => (
            <li key={h.host} className="host-row" data-testid="host-row" data-host={bare(h.host)} data-ok={h.ok}>
              <div className="host-main">
                <div className="host-url">
                  <code>{bare(h.host)}</code>
                  {active === bare(h.host) && <span className="badge badge-info">in use</span>}
                </div>
                {h.ok ? (
                  <div className="cell-sub">Reachable{h.version ? ` · Ollama ${h.version}` : ''}</div>
                ) : (
                  <div className="host-error">{h.error?.message ?? 'No answer.'}</div>
                )}
              </div>
              <span className={`badge ${h.ok ? 'badge-ok' : 'badge-bad'}`}>{h.ok ? 'up' : 'down'}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
