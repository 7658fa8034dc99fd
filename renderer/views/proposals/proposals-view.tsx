import { useEffect, useRef } from 'react';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { PanelBoundary } from '../../components/panel-boundary.js';
import { StatusBadge } from '../../components/status-badge.js';
import { missionHref, proposalHref, routeHref } from '../../lib/router.js';
import { timeAgo } from '../../lib/time-format.js';
import { useNow } from '../../lib/use-now.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import type { Proposal } from '../../store/entities.js';
import { useProposals } from '../../store/proposals-store.js';
import { ProposalCard } from './proposal-card.js';

/** How a decided proposal ended: who decided, and the mission it became or why not. */
function Outcome({ p }: { p: Proposal }) {
  if (p.status === 'rejected') {
    return (
      <span className="reason">
        {p.rejectionReason}
        {p.rejectedByGate && p.rejectedByGate !== 'manual' ? ` (${p.rejectedByGate})` : ''}
      </span>
    );
  }
  if (p.status !== 'accepted') return <>waiting</>;
  const who = p.decidedBy === 'auto' ? 'auto-approved' : p.decidedBy === 'user' || !p.decidedBy ? 'approved by you' : `approved by ${p.decidedBy}`;
  return (
    <>
      {who}
      {p.missionId ? (
        <>
          {' · '}
          <a href={missionHref(p.missionId)} data-testid="proposal-mission">
            mission #{p.missionId}
          </a>
        </>
      ) : null}
    </>
  );
}

/** The last accept or reject made here, with the mission the proposal became. */
function DecisionNotice() {
  const last = useProposals((s) => s.lastDecision);
  if (!last) return null;
  return (
    <div className={`decision-notice tone-${last.decision === 'accept' ? 'ok' : 'muted'}`} role="status" data-testid="decision-notice">
      {last.decision === 'accept' ? (
        last.missionId ? (
          <>
            Accepted “{last.title}”: it became{' '}
            <a href={missionHref(last.missionId)} data-testid="decision-mission">
              mission #{last.missionId}
            </a>
            .
          </>
        ) : (
          <>Accepted “{last.title}”.</>
        )
      ) : (
        <>Rejected “{last.title}”.</>
      )}
    </div>
  );
}

/** The one proposal a link points at: on top, scrolled into view, whether it waits or was decided long ago. */
function FocusedProposal({ id }: { id: number }) {
  const pending = useProposals((s) => s.pending.find((p) => p.id === id));
  const listed = useProposals((s) => s.recent.find((p) => p.id === id) ?? s.single.get(id));
  const loaded = useProposals((s) => s.loaded);
  const busy = useProposals((s) => s.busy.has(id));
  const decide = useProposals((s) => s.decide);
  const fetchOne = useProposals((s) => s.fetchOne);
  const agents = useAgents((s) => s.agents);
  const now = useNow();
  const ref = useRef<HTMLElement>(null);
  const p = pending ?? listed;
  const missing = loaded && !p;
  useEffect(() => {
    if (missing) void fetchOne(id).catch(() => {});
  }, [missing, id, fetchOne]);
  useEffect(() => {
    if (p) ref.current?.scrollIntoView({ block: 'start' });
  }, [p === undefined]);
  return (
    <section ref={ref} className="panel focused-proposal" aria-label={`Proposal #${id}`} data-testid="focused-proposal" data-proposal={id} data-status={p?.status ?? ''}>
      <header className="panel-head">
        <h2>Proposal #{id}</h2>
        <a className="panel-meta" href={routeHref({ view: 'proposals' })}>
          all proposals
        </a>
      </header>
      {!p ? (
        <Skeleton lines={2} />
      ) : p.status === 'pending' ? (
        <ProposalCard
          proposal={p}
          agentName={agentName(agents, p.agentId)}
          busy={busy}
          now={now}
          onDecide={(decision, reason, steps) => void decide(p.id, decision, reason, steps).catch(() => {})}
        />
      ) : (
        <div className="cell-with-avatar focused-body">
          <AgentAvatar agentId={p.agentId} name={agentName(agents, p.agentId)} />
          <div>
            <div className="cell-title">{p.title}</div>
            <div className="cell-sub">
              {agentName(agents, p.agentId)} · {p.source} · {p.proposedSteps.map((s) => s.kind.replace(/_/g, ' ')).join(' → ')} · {timeAgo(p.createdAt, now)}
            </div>
            {p.description && <p className="proposal-desc">{p.description}</p>}
            <div className="focused-outcome">
              <StatusBadge status={p.status} />
              <span>
                <Outcome p={p} />
              </span>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}

function PendingProposals({ focusId }: { focusId: number | null }) {
  const all = useProposals((s) => s.pending);
  // the one a link points at is shown on top already
  const pending = focusId === null ? all : all.filter((p) => p.id !== focusId);
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
        <span className="panel-meta">{all.length} pending</span>
      </header>
      {!loaded ? (
        <Skeleton lines={4} />
      ) : pending.length === 0 ? (
        <EmptyState title={all.length ? 'Nothing else to decide' : 'Nothing to decide'}>Proposals with steps that are not auto-approved (publishing, deploys) wait here for you.</EmptyState>
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

function RecentProposals({ focusId }: { focusId: number | null }) {
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
              <tr key={p.id} data-proposal={p.id} data-status={p.status} className={p.id === focusId ? 'is-focused' : undefined}>
                <td className="num">
                  <a href={proposalHref(p.id)} aria-label={`Proposal #${p.id}`}>
                    {p.id}
                  </a>
                </td>
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
                  <Outcome p={p} />
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

export function ProposalsView({ proposalId = null }: { proposalId?: number | null }) {
  return (
    <div className="page">
      <DecisionNotice />
      {proposalId !== null && (
        <PanelBoundary name="Proposal" resetKey={proposalId}>
          <FocusedProposal key={proposalId} id={proposalId} />
        </PanelBoundary>
      )}
      <PanelBoundary name="Pending proposals">
        <PendingProposals focusId={proposalId} />
      </PanelBoundary>
      <PanelBoundary name="Recent proposals">
        <RecentProposals focusId={proposalId} />
      </PanelBoundary>
    </div>
  );
}
