/** The entities the UI shows, as the contract returns them. */
import type { CallInput, CallOutput, StreamMessage } from '../../core/api/contract.js';

export type Agent = CallOutput<'agents.list'>[number];
export type AgentPatch = CallInput<'agents.update'>['patch'];
export type AgentEvent = CallOutput<'events.page'>['items'][number];
export type MissionSummary = CallOutput<'missions.list'>[number];
export type MissionStatus = MissionSummary['status'];
export type MissionDetail = CallOutput<'missions.get'>;
export type MissionStep = MissionDetail['steps'][number];
export type Proposal = CallOutput<'proposals.list'>[number];
export type ProposalStatus = Proposal['status'];
export type CreateProposalInput = CallInput<'proposals.create'>;
export type CreateProposalResult = CallOutput<'proposals.create'>;
export type RuntimeStatus = CallOutput<'runtime.status'>;
export type PolicyEntry = CallOutput<'policy.list'>[number];
export type { StreamMessage };

export const missionStatuses: readonly MissionStatus[] = ['approved', 'running', 'succeeded', 'failed', 'cancelled'];
