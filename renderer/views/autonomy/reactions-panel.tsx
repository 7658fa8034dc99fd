import { AgentAvatar } from '../../components/agent-avatar.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { proposalHref } from '../../lib/router.js';
import { timeAgo } from '../../lib/time-format.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useAutonomy, type ReactionRoll } from '../../store/autonomy-store.js';
import { decisionTone, describePattern, human, percent, reactionTone } from './autonomy-format.js';

const outcomeText: Record<ReactionRoll['outcome'], string> = {
  queued: 'won the roll: reaction queued',
  lost_roll: 'lost the roll: no reaction',
  cooldown: 'in cooldown: not rolled',
};

/** A roll against its probability: the bar is the chance, the tick is what came up. */
function RollBar({ roll, probability }: { roll: number | null; probability: number }) {
  return (
    <span className="roll-bar" role="img" aria-label={roll === null ? `chance ${percent(probability)}` : `rolled ${roll.toFixed(2)} against ${probability}`}>
      <span className="roll-chance" style={{ width: `${Math.min(100, probability * 100)}%` }} />
      {roll !== null && <span className="roll-tick" style={{ left: `${Math.min(100, roll * 100)}%` }} />}
    </span>
  );
}

/** The reaction matrix at work: every roll (why an agent did or did not react) and the reactions it queued. */
export function ReactionsPanel({ now }: { now: number }) {
  const reactions = useAutonomy((s) => s.reactions);
  const rolls = useAutonomy((s) => s.rolls);
  const loaded = useAutonomy((s) => s.loaded);
  const agents = useAgents((s) => s.agents);
  return (
    <section className="panel" aria-label="Reactions" data-testid="reactions-panel">
      <header className="panel-head">
        <h2>Reactions</h2>
        <span className="panel-meta">an agent reacts when its roll comes in under the pattern's probability</span>
      </header>
      {!loaded ? (
        <Skeleton lines={4} />
      ) : rolls.length === 0 && reactions.length === 0 ? (
        <EmptyState title="No reactions yet">When an event matches the reaction matrix (a failed mission, a post that went out…), each agent it names rolls the dice here.</EmptyState>
      ) : (
        <div className="reactions-grid">
          <div>
            <h3 className="sub-head">Rolls</h3>
            <ul className="roll-list">
              {rolls.map((r) => (
                <li key={r.id} className="roll-row" data-testid="roll-row" data-outcome={r.outcome} data-target={r.target}>
                  <AgentAvatar agentId={r.target} name={agentName(agents, r.target)} size="sm" />
                  <div className="roll-main">
                    <div className="roll-title">
                      <strong>{agentName(agents, r.target)}</strong> on <span title={r.patternKey}>{describePattern(r.patternKey, (id) => agentName(agents, id))}</span>
                      <span className="cell-sub"> · event #{r.eventId}</span>
                    </div>
                    <div className="roll-line">
                      <RollBar roll={r.roll} probability={r.probability} />
                      <span className="num" data-testid="roll-numbers">
                        {r.roll === null ? '—' : r.roll.toFixed(2)} vs {r.probability.toFixed(2)}
                      </span>
                      <span className={`badge badge-${decisionTone(r.outcome)}`} title={outcomeText[r.outcome]}>
                        {human(r.outcome)}
                      </span>
                    </div>
                  </div>
                  <span className="cell-sub nowrap">{timeAgo(r.createdAt, now)}</span>
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h3 className="sub-head">Reactions</h3>
            {reactions.length === 0 ? (
              <p className="models-note">No roll has been won yet.</p>
            ) : (
              <ul className="roll-list">
                {reactions.map((r) => (
                  <li key={r.id} className="roll-row" data-testid="reaction-row" data-status={r.status} data-target={r.targetAgent}>
                    <AgentAvatar agentId={r.targetAgent} name={agentName(agents, r.targetAgent)} size="sm" />
                    <div className="roll-main">
                      <div className="roll-title">
                        <strong>{agentName(agents, r.targetAgent)}</strong> {human(r.reactionType)}
                        {r.sourceAgent && <span className="cell-sub"> · after {agentName(agents, r.sourceAgent)}</span>}
                      </div>
                      <div className="roll-line">
                        <span className={`badge badge-${reactionTone(r.status)}`}>{r.status}</span>
                        <span className="cell-sub" title={r.patternKey}>{describePattern(r.patternKey, (id) => agentName(agents, id))}</span>
                        {r.proposalId && <a href={proposalHref(r.proposalId)}>proposal #{r.proposalId}</a>}
                      </div>
                      {r.result && <div className="cell-sub">{r.result}</div>}
                    </div>
                    <span className="cell-sub nowrap">{timeAgo(r.createdAt, now)}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
