import { AgentAvatar } from '../../components/agent-avatar.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { StatusBadge } from '../../components/status-badge.js';
import { conversationHref } from '../../lib/router.js';
import { timeAgo } from '../../lib/time-format.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useRoundtables } from '../../store/roundtables-store.js';
import { formatLabel } from './roundtable-format.js';

/** Every conversation, newest first: format, topic, who, how far it got. */
export function ConversationList({ selected, now, onStart }: { selected: number | null; now: number; onStart(): void }) {
  const conversations = useRoundtables((s) => s.conversations);
  const formats = useRoundtables((s) => s.formats);
  const loaded = useRoundtables((s) => s.loaded);
  const agents = useAgents((s) => s.agents);
  return (
    <section className="panel" aria-label="Conversations" data-testid="conversation-list">
      <header className="panel-head">
        <h2>Conversations</h2>
        <button type="button" className="btn btn-primary btn-small" onClick={onStart}>
          Start a conversation
        </button>
      </header>
      {!loaded ? (
        <Skeleton lines={6} />
      ) : conversations.length === 0 ? (
        <EmptyState title="No conversations yet">The daily schedule brings the team together; you can also start one now.</EmptyState>
      ) : (
        <ul className="conv-list">
          {conversations.map((c) => (
            <li key={c.id}>
              <a
                className={`conv-row${selected === c.id ? ' is-selected' : ''}`}
                href={conversationHref(c.id)}
                data-testid="conversation-row"
                data-conversation={c.id}
                data-status={c.status}
                data-format={c.format}
                aria-current={selected === c.id ? 'true' : undefined}
              >
                <div className="conv-row-head">
                  <span className="conv-format">{formatLabel(c.format, formats)}</span>
                  <StatusBadge status={c.status} />
                </div>
                <div className="conv-topic">{c.topic}</div>
                <div className="conv-row-meta">
                  <span className="avatar-stack">
                    {c.participants.map((p) => (
                      <AgentAvatar key={p} agentId={p} name={agentName(agents, p)} size="sm" />
                    ))}
                  </span>
                  <span className="cell-sub">
                    {c.turnCount}/{c.turnsPlanned} turns · {c.source === 'schedule' && c.slotName ? c.slotName : c.source} · {timeAgo(c.startedAt ?? c.createdAt, now)}
                  </span>
                </div>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
