import { useState } from 'react';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { timeAgo } from '../../lib/time-format.js';
import type { Proposal } from '../../store/entities.js';
import { WhyButton } from '../explain/why-button.js';

type Step = { kind: string; payload: Record<string, unknown> };
const isPost = (kind: string): boolean => kind === 'post_bluesky' || kind === 'post_tweet';

interface Props {
  proposal: Proposal;
  agentName: string;
  busy: boolean;
  now: number;
  onDecide(decision: 'accept' | 'reject', reason?: string, steps?: Step[]): void;
}

/** A pending proposal with its steps, and the two buttons that decide it. */
export function ProposalCard({ proposal: p, agentName, busy, now, onDecide }: Props) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  // a post's text, editable before approving (the draft it came from is the starting point)
  const [initial] = useState<Record<number, string>>(() =>
    Object.fromEntries(p.proposedSteps.flatMap((s, i) => (isPost(s.kind) ? [[i, typeof s.payload['text'] === 'string' ? s.payload['text'] : p.description]] : []))),
  );
  const [texts, setTexts] = useState(initial);
  /** The steps with the edited texts, or undefined when nothing was changed (the draft posts as written). */
  const edited = (): Step[] | undefined => {
    const changed = Object.keys(texts).filter((k) => texts[Number(k)]?.trim() && texts[Number(k)] !== initial[Number(k)]);
    if (changed.length === 0) return undefined;
    return p.proposedSteps.map((s, i) => (changed.includes(String(i)) ? { kind: s.kind, payload: { text: texts[i] as string } } : s));
  };
  return (
    <article className="proposal-card" data-testid="pending-proposal" data-proposal={p.id}>
      <header className="proposal-head">
        <AgentAvatar agentId={p.agentId} name={agentName} />
        <div className="proposal-title-block">
          <div className="proposal-title">{p.title}</div>
          <div className="proposal-meta">
            #{p.id} · {agentName} · {p.source} · {timeAgo(p.createdAt, now)}
          </div>
        </div>
      </header>
      {p.description && <p className="proposal-desc">{p.description}</p>}
      <ol className="proposal-steps">
        {p.proposedSteps.map((s, i) => (
          <li key={i}>
            <span className="step-kind">{s.kind.replace(/_/g, ' ')}</span>
            {texts[i] !== undefined ? (
              <textarea
                className="input post-text"
                aria-label={`Text to post (step ${i + 1})`}
                data-testid="post-text"
                rows={3}
                value={texts[i]}
                onChange={(e) => setTexts({ ...texts, [i]: e.target.value })}
              />
            ) : (
              <code>{JSON.stringify(s.payload)}</code>
            )}
          </li>
        ))}
      </ol>
      {rejecting ? (
        <div className="proposal-actions">
          <input
            className="input field-grow"
            placeholder="Why not? (optional)"
            aria-label="Rejection reason"
            value={reason}
            maxLength={500}
            autoFocus
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && onDecide('reject', reason)}
          />
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setRejecting(false)} disabled={busy}>
            Back
          </button>
          <button type="button" className="btn btn-danger btn-small" onClick={() => onDecide('reject', reason)} disabled={busy}>
            Confirm reject
          </button>
        </div>
      ) : (
        <div className="proposal-actions">
          <WhyButton subject={{ proposalId: p.id }} />
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setRejecting(true)} disabled={busy}>
            Reject
          </button>
          <button type="button" className="btn btn-primary btn-small" onClick={() => onDecide('accept', undefined, edited())} disabled={busy}>
            {busy ? 'Working…' : 'Accept'}
          </button>
        </div>
      )}
    </article>
  );
}
