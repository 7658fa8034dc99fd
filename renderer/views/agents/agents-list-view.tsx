import { AgentAvatar } from '../../components/agent-avatar.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { agentHref, settingsHref } from '../../lib/router.js';
import { useAgents } from '../../store/agents-store.js';
import { useUi } from '../../store/ui-store.js';

/** The team: every agent with its role and voice, a way in to each, and Give task. */
export function AgentsListView() {
  const agents = useAgents((s) => s.agents);
  const loaded = useAgents((s) => s.loaded);
  const openGiveTask = useUi((s) => s.openGiveTask);
  if (!loaded) {
    return (
      <div className="page">
        <Skeleton lines={6} />
      </div>
    );
  }
  return (
    <div className="page" data-testid="agents-list">
      <header className="page-head">
        <h1 className="page-title">The team</h1>
        <a className="panel-meta" href={settingsHref('personas')}>
          Edit personas in Settings →
        </a>
      </header>
      {agents.length === 0 ? (
        <EmptyState title="No agents" />
      ) : (
        <ul className="agents-grid">
          {agents.map((a) => (
            <li key={a.id} className={`panel agent-tile${a.enabled ? '' : ' is-off'}`} data-testid="agent-tile" data-agent={a.id}>
              <a className="agent-tile-link" href={agentHref(a.id)}>
                <AgentAvatar agentId={a.id} name={a.displayName} size="lg" />
                <span className="agent-tile-text">
                  <span className="agent-name">{a.displayName}</span>
                  <span className="cell-sub">
                    {a.role}
                    {a.enabled ? '' : ' · off'}
                  </span>
                </span>
              </a>
              <p className="agent-tile-tone">{a.tone}</p>
              <button type="button" className="btn btn-ghost btn-small" disabled={!a.enabled} onClick={() => openGiveTask(a.id)}>
                Give {a.displayName} a task
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
