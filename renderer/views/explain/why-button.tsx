import { useState } from 'react';
import { Modal } from '../../components/modal.js';
import type { CallOutput } from '../../../core/api/contract.js';
import { callQuiet } from '../../store/call.js';
import { errorMessage } from '../../transport/transport.js';

type Subject = { proposalId: number } | { missionId: number } | { memoryId: number };
type Chain = CallOutput<'explain.why'>['chain'];

const kindLabel: Record<Chain[number]['kind'], string> = {
  proposal: 'Proposal',
  mission: 'Mission',
  trigger_rule: 'Trigger rule',
  trigger_decision: 'Rule decision',
  reaction_roll: 'Roll',
  reaction: 'Reaction',
  event: 'Event',
  conversation: 'Conversation',
  action_item: 'Action item',
  memory: 'Memory',
  routine: 'Routine',
  initiative: 'Initiative',
  user: 'You',
};

/** "Why?": opens the chain of links behind a proposal, mission or memory. */
export function WhyButton({ subject, label = 'Why?' }: { subject: Subject; label?: string }) {
  const [chain, setChain] = useState<Chain | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const show = (): void => {
    setOpen(true);
    setError(null);
    callQuiet('explain.why', subject).then(
      (r) => setChain(r.chain),
      (err: unknown) => setError(errorMessage(err)),
    );
  };
  return (
    <>
      <button type="button" className="btn btn-ghost btn-small" onClick={show} data-testid="why-button">
        {label}
      </button>
      {open && (
        <Modal title="Why does this exist?" onClose={() => setOpen(false)}>
          {error && <p className="form-error">{error}</p>}
          {!chain && !error && <p className="cell-sub">Tracing…</p>}
          {chain && (
            <ol className="why-chain" data-testid="why-chain">
              {chain.map((l, i) => (
                <li key={i} className={`why-link why-${l.kind}`} data-kind={l.kind}>
                  <span className="badge badge-muted">{kindLabel[l.kind]}</span>
                  <div>
                    <div className="why-title">
                      {l.title}
                      {l.id !== null && <span className="cell-sub"> #{l.id}</span>}
                    </div>
                    {l.detail && <div className="cell-sub">{l.detail}</div>}
                  </div>
                </li>
              ))}
            </ol>
          )}
        </Modal>
      )}
    </>
  );
}
