import { AgentAvatar } from '../../components/agent-avatar.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { PanelBoundary } from '../../components/panel-boundary.js';
import { StatusBadge } from '../../components/status-badge.js';
import { timeAgo } from '../../lib/time-format.js';
import { useNow } from '../../lib/use-now.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useProposals } from '../../store/proposals-store.js';
import { ProposalCard } from './proposal-card.js';

function PendingProposals() {
  const pending = useProposals((s) => s.pending);
  const loaded = useProposals((s) => s.loaded);
  const busy = useProposals((s) => s.busy);
  const decide = useProposals((s) => s.decide);
  const more = useProposals((s) => s.pendingCursor !== null);
  const loadOlder = useProposals((s) => s.loadOlder);
  const agents = useAgents((s) => s.agents);
  const now = useNow();
  return (
    <section className="panel" aria-label="Waiting for you">
      <header className="panel-head">
        <h2>Waiting for you</h2>
        <span className="panel-meta">{pending.length} pending</span>
      </header>
      {!loaded ? (
        <Skeleton lines={4} />
      ) : pending.length === 0 ? (
        <EmptyState title="Nothing to decide">Proposals with steps that are not auto-approved (publishing, deploys) wait here for you.</EmptyState>
      ) : (
        <div className="proposal-grid">
          {pending.map((p) => (
            <ProposalCard
              key={p.id}
              proposal={p}
              agentName={agentName(agents, p.agentId)}
              busy={busy.has(p.id)}
              now={now}
              onDecide={(decision, reason, steps) => void decide(p.id, decision, reason, steps).catch(() => {})}
            />
          ))}
        </div>
      )}
      {more && (
        <button type="button" className="btn btn-small btn-ghost list-more" onClick={() => void loadOlder('pending').catch(() => {})}>
          Show more waiting proposals
        </button>
      )}
    </section>
  );
}

function RecentProposals() {
  const recent = useProposals((s) => s.recent);
  const more = useProposals((s) => s.recentCursor !== null);
  const loadOlder = useProposals((s) => s.loadOlder);
  const agents = useAgents((s) => s.agents);
  const now = useNow();
  return (
    <section className="panel" aria-label="Recent proposals">
      <header className="panel-head">
        <h2>Recent proposals</h2>
      </header>
      {recent.length === 0 ? (
        <EmptyState title="No proposals yet" />
      ) : (
        <table className="table" data-testid="recent-proposals">
          <thead>
            <tr>
              <th>#</th>
              <th>Proposal</th>
              <th>Status</th>
              <th>Outcome</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((p) => (
              <tr key={p.id} data-proposal={p.id} data-status={p.status}>
                <td className="num">{p.id}</td>
                <td>
                  <div className="cell-with-avatar">
                    <AgentAvatar agentId={p.agentId} size="sm" />
                    <div>
                      <div className="cell-title">{p.title}</div>
                      <div className="cell-sub">
                        {agentName(agents, p.agentId)} · {p.proposedSteps.map((s) => s.kind).join(' → ')}
                      </div>
                    </div>
                  </div>
                </td>
                <td>
                  <StatusBadge status={p.status} />
                </td>
                <td className="cell-sub">
                  {p.status === 'rejected' ? (
                    <span className="reason">
                      {p.rejectionReason}
                      {p.rejectedByGate && p.rejectedByGate !== 'manual' ? ` (${p.rejectedByGate})` : ''}
                    </span>
                  ) : p.status === 'accepted' ? (
                    p.decidedBy === 'auto' ? 'auto-approved' : p.decidedBy === 'user' || !p.decidedBy ? 'approved by you' : `approved by ${p.decidedBy}`
                  ) : (
                    'waiting'
                  )}
                </td>
                <td className="cell-sub nowrap">{timeAgo(p.createdAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && (
        <button type="button" className="btn btn-small btn-ghost list-more" onClick={() => void loadOlder('recent').catch(() => {})}>
          Show older proposals
        </button>
      )}
    </section>
  );
}

export function ProposalsView() {
  return (
    <div className="page">
      <PanelBoundary name="Pending proposals">
        <PendingProposals />
      </PanelBoundary>
      <PanelBoundary name="Recent proposals">
        <RecentProposals />
      </PanelBoundary>
    </div>
  );
}
