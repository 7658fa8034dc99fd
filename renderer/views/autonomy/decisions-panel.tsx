import { useState } from 'react';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { proposalHref } from '../../lib/router.js';
import { timeAgo } from '../../lib/time-format.js';
import { useAutonomy, type TriggerDecision } from '../../store/autonomy-store.js';
import { decisionTone, human } from './autonomy-format.js';

const filters: readonly (TriggerDecision['decision'] | 'all')[] = ['all', 'fired', 'skipped', 'no_match', 'rejected', 'error'];

/** What the scheduler decided, rule by rule, and why: the trail behind every autonomous proposal. */
export function DecisionsPanel({ now }: { now: number }) {
  const decisions = useAutonomy((s) => s.decisions);
  const loaded = useAutonomy((s) => s.loaded);
  const [filter, setFilter] = useState<(typeof filters)[number]>('all');
  const shown = filter === 'all' ? decisions : decisions.filter((d) => d.decision === filter);
  return (
    <section className="panel" aria-label="Recent decisions" data-testid="decisions-panel">
      <header className="panel-head">
        <h2>Recent decisions</h2>
        <div className="chip-row" role="group" aria-label="Filter decisions">
          {filters.map((f) => (
            <button key={f} type="button" className={`chip${filter === f ? ' is-on' : ''}`} aria-pressed={filter === f} onClick={() => setFilter(f)}>
              {human(f)}
            </button>
          ))}
        </div>
      </header>
      {!loaded ? (
        <Skeleton lines={5} />
      ) : shown.length === 0 ? (
        <EmptyState title={filter === 'all' ? 'No decisions yet' : `No ${human(filter)} decisions`}>
          Each heartbeat evaluates the rules; what fired or was skipped, and why, is listed here.
        </EmptyState>
      ) : (
        <ul className="decision-list">
          {shown.map((d) => (
            <li key={d.id} className="decision-row" data-testid="decision-row" data-decision={d.decision} data-rule={d.ruleName}>
              <span className={`badge badge-${decisionTone(d.decision)}`}>{human(d.decision)}</span>
              <div className="decision-main">
                <div className="decision-title">
                  <code>{d.ruleName}</code>
                  {d.manual && <span className="badge badge-muted">run now</span>}
                  {d.memoryInfluenced && (
                    <span className="badge badge-memory" data-testid="memory-badge" title="The topic was chosen from one of the agent's memories">
                      memory-influenced{d.memoryId ? ` · #${d.memoryId}` : ''}
                    </span>
                  )}
                </div>
                {d.topic && <div className="decision-topic">“{d.topic}”</div>}
                {d.reason && <div className="cell-sub">{d.reason}</div>}
              </div>
              <div className="decision-side">
                <span className="cell-sub nowrap">{timeAgo(d.createdAt, now)}</span>
                {d.proposalId && (
                  <a href={proposalHref(d.proposalId)} className="nowrap">
                    proposal #{d.proposalId}
                  </a>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
