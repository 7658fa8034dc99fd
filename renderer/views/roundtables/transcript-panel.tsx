import { AgentAvatar } from '../../components/agent-avatar.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { StatusBadge } from '../../components/status-badge.js';
import { agentHref } from '../../lib/router.js';
import { clockTime, duration, shortDate } from '../../lib/time-format.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useRoundtables, type ConversationDetail } from '../../store/roundtables-store.js';
import { formatLabel, interactionTone, signed } from './roundtable-format.js';

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

interface DistillSummary {
  memoryIds?: number[];
  drifts?: { a: string; b: string; drift: number; to: number }[];
  actionItems?: { proposalId?: number | null }[];
}

function Distilled({ detail }: { detail: ConversationDetail }) {
  const agents = useAgents((s) => s.agents);
  const c = detail.conversation;
  if (c.distillStatus === 'pending') return c.status === 'succeeded' ? <p className="models-note">Distilling memories and relationship changes…</p> : null;
  if (c.distillStatus === 'skipped') return null;
  if (c.distillStatus === 'failed') return <p className="field-error">The takeaways of this conversation could not be read from the model's answer.</p>;
  const d = (detail.distill ?? {}) as DistillSummary;
  return (
    <div className="distill" data-testid="distill">
      <span>
        Left {count(d.memoryIds?.length ?? 0, 'memory', 'memories')}, {count(d.actionItems?.filter((a) => a.proposalId).length ?? 0, 'proposal', 'proposals')}
      </span>
      {(d.drifts ?? []).map((x) => (
        <span key={`${x.a}-${x.b}`} className={`tag ${x.drift >= 0 ? 'tone-ok' : 'tone-bad'}`}>
          {agentName(agents, x.a)} ↔ {agentName(agents, x.b)} {signed(x.drift)}
        </span>
      ))}
    </div>
  );
}

/** One conversation as it was said: who spoke, how they answered the last speaker, and what it left behind. */
export function TranscriptPanel({ conversationId }: { conversationId: number | null }) {
  const detail = useRoundtables((s) => s.detail);
  const formats = useRoundtables((s) => s.formats);
  const agents = useAgents((s) => s.agents);
  if (conversationId === null) {
    return (
      <section className="panel transcript" aria-label="Transcript">
        <EmptyState title="Pick a conversation">Its transcript shows here, turn by turn, as it happens.</EmptyState>
      </section>
    );
  }
  if (!detail || detail.conversation.id !== conversationId) {
    return (
      <section className="panel transcript" aria-label="Transcript">
        <Skeleton lines={6} />
      </section>
    );
  }
  const c = detail.conversation;
  const live = c.status === 'running' || c.status === 'queued';
  return (
    <section className="panel transcript" aria-label="Transcript" data-testid="transcript" data-conversation={c.id} data-status={c.status}>
      <header className="transcript-head">
        <div className="detail-kicker">
          {formatLabel(c.format, formats)} · #{c.id} · {shortDate(c.createdAt)}
          {c.finishedAt && c.startedAt ? ` · ${duration(c.startedAt, c.finishedAt)}` : ''}
        </div>
        <h2 className="detail-title">{c.topic}</h2>
        <div className="transcript-meta">
          <StatusBadge status={c.status} />
          <span className="cell-sub">
            {c.turnCount} of {c.turnsPlanned} turns
          </span>
          <span className="transcript-people">
            {c.participants.map((p) => (
              <a key={p} href={agentHref(p)} className="person-chip">
                <AgentAvatar agentId={p} name={agentName(agents, p)} size="sm" />
                {agentName(agents, p)}
              </a>
            ))}
          </span>
        </div>
        {c.lastError && <div className="field-error">{c.lastError}</div>}
      </header>
      {detail.turns.length === 0 ? (
        <EmptyState title={live ? 'Waiting for the first word…' : 'Nobody spoke'}>{live ? 'Turns appear here as the agents speak.' : null}</EmptyState>
      ) : (
        <ol className="turn-list">
          {detail.turns.map((t) => (
            <li key={t.seq} className="turn" data-testid="turn" data-speaker={t.speaker} data-interaction={t.interaction}>
              <AgentAvatar agentId={t.speaker} name={t.speakerName} size="md" />
              <div className="turn-body">
                <div className="turn-head">
                  <span className="turn-name">{t.speakerName}</span>
                  <span className={`badge badge-${interactionTone(t.interaction)}`}>{t.interaction}</span>
                  {t.replyingTo && <span className="cell-sub">to {agentName(agents, t.replyingTo)}</span>}
                  <span className="cell-sub turn-time">{clockTime(t.createdAt)}</span>
                </div>
                <p className="turn-text">{t.text}</p>
              </div>
            </li>
          ))}
          {live && (
            <li className="turn turn-typing" aria-live="polite">
              <span className="typing-dots" aria-hidden="true">
                <span />
                <span />
                <span />
              </span>
              <span className="cell-sub">{c.status === 'queued' ? 'Queued: starts shortly' : 'Someone is about to speak…'}</span>
            </li>
          )}
        </ol>
      )}
      <Distilled detail={detail} />
      {Object.keys(detail.voiceModifiers).length > 0 && (
        <details className="voice-used">
          <summary>Voices in this conversation</summary>
          <ul>
            {Object.entries(detail.voiceModifiers).map(([agent, mods]) => (
              <li key={agent}>
                <strong>{agentName(agents, agent)}</strong>: {mods.length ? mods.join('; ') : 'no modifiers'}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
