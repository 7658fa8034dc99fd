import { useEffect } from 'react';
import { missionHref, proposalHref, settingsHref } from '../../lib/router.js';
import type { CreateProposalResult } from '../../store/entities.js';
import { useRuntime } from '../../store/runtime-store.js';
import { llmStepKinds } from '../../store/step-kinds-store.js';

interface Props {
  result: CreateProposalResult;
  /** The step kinds of the task, to say what it waits for. */
  kinds: string[];
  onAnother(): void;
  onClose(): void;
}

/** What became of the proposal: a mission (and what it waits for), a wait for approval, or a refusal with its reason. */
export function GiveTaskResult({ result, kinds, onAnother, onClose }: Props) {
  const { proposal, mission } = result;
  const llm = useRuntime((s) => s.status?.llm ?? null);
  // what the LLM is doing now, not at the last poll
  useEffect(() => void useRuntime.getState().load(), []);
  const needsLlm = kinds.some((k) => llmStepKinds.includes(k));
  const llmDown = needsLlm && llm !== null && llm.status !== 'ok';
  return (
    <div className={`task-result result-${proposal.status}`} data-testid="task-result" data-status={proposal.status}>
      {proposal.status === 'accepted' && mission && !llmDown && (
        <>
          <div className="task-result-title">Approved — mission #{mission.id} is under way</div>
          <p>The gates let it through and a worker will pick up its first step.</p>
        </>
      )}
      {proposal.status === 'accepted' && mission && llmDown && (
        <>
          <div className="task-result-title">Approved — mission #{mission.id} waits for the LLM</div>
          <p data-testid="task-waits-why">
            {llm?.status === 'not_configured' ? 'This engine has no LLM configured' : (llm?.reason ?? 'No Ollama host answers')}. Its LLM steps stay queued — nothing fails — and start by themselves as soon as a host
            answers. <a href={settingsHref('hosts')} onClick={onClose}>Check the Ollama hosts</a>.
          </p>
        </>
      )}
      {proposal.status === 'accepted' && mission && (
        <a className="btn btn-primary" href={missionHref(mission.id)} onClick={onClose}>
          Watch mission #{mission.id}
        </a>
      )}
      {proposal.status === 'pending' && (
        <>
          <div className="task-result-title">Waiting for your approval</div>
          <p>Proposal #{proposal.id} has steps that are not auto-approved. Accept or reject it under Proposals.</p>
          <a className="btn btn-primary" href={proposalHref(proposal.id)} onClick={onClose}>
            Review proposal #{proposal.id}
          </a>
        </>
      )}
      {proposal.status === 'rejected' && (
        <>
          <div className="task-result-title">Rejected by a gate</div>
          <p className="task-result-reason">{proposal.rejectionReason ?? 'No reason was given.'}</p>
        </>
      )}
      <div className="task-result-actions">
        <button type="button" className="btn btn-ghost" onClick={onAnother}>
          Give another task
        </button>
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
