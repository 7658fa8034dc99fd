import { missionHref, routeHref } from '../../lib/router.js';
import type { CreateProposalResult } from '../../store/entities.js';

interface Props {
  result: CreateProposalResult;
  onAnother(): void;
  onClose(): void;
}

/** What became of the proposal: a mission, a wait for approval, or a refusal with its reason. */
export function GiveTaskResult({ result, onAnother, onClose }: Props) {
  const { proposal, mission } = result;
  return (
    <div className={`task-result result-${proposal.status}`} data-testid="task-result" data-status={proposal.status}>
      {proposal.status === 'accepted' && mission && (
        <>
          <div className="task-result-title">Approved — mission #{mission.id} is under way</div>
          <p>The gates let it through and a worker will pick up its first step.</p>
          <a className="btn btn-primary" href={missionHref(mission.id)} onClick={onClose}>
            Watch mission #{mission.id}
          </a>
        </>
      )}
      {proposal.status === 'pending' && (
        <>
          <div className="task-result-title">Waiting for your approval</div>
          <p>Proposal #{proposal.id} has steps that are not auto-approved. Accept or reject it under Proposals.</p>
          <a className="btn btn-primary" href={routeHref({ view: 'proposals' })} onClick={onClose}>
            Review proposal
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
