import { describe, expect, it } from 'vitest';
import { deriveActivity } from '../../../renderer/lib/agent-activity.js';
import type { Agent, AgentEvent, MissionSummary } from '../../../renderer/store/entities.js';

const now = Date.parse('2026-03-01T12:00:00Z');
const agent: Agent = { id: 'brain', displayName: 'Brain', role: 'analyst', tone: '', quirk: '', signatureLine: '', systemDirective: '', enabled: true, sortOrder: 2 };

function event(patch: Partial<AgentEvent>): AgentEvent {
  return { id: 1, agentId: 'brain', kind: 'step_succeeded', title: 'analyze succeeded', summary: '', tags: [], payload: {}, missionId: null, stepId: null, proposalId: null, createdAt: '2026-03-01T11:59:00Z', ...patch };
}

function mission(patch: Partial<MissionSummary>): MissionSummary {
  return {
    id: 7, proposalId: 3, title: 'Read the numbers', status: 'running', createdBy: 'brain', failureReason: null,
    createdAt: '2026-03-01T11:58:00Z', startedAt: '2026-03-01T11:58:01Z', finishedAt: null, stepKinds: ['analyze', 'write_content'], stepsDone: 1, stepsTotal: 2,
    ...patch,
  };
}

describe('deriveActivity', () => {
  it('is working while one of its missions is open, naming the step it is on', () => {
    const a = deriveActivity(agent, [mission({})], [], now);
    expect(a).toMatchObject({ state: 'working', missionId: 7 });
    expect(a.label).toBe('Read the numbers · write content (2/2)');
    const queued = deriveActivity(agent, [mission({ status: 'approved', stepsDone: 0, startedAt: null })], [], now);
    expect(queued).toMatchObject({ state: 'working', label: 'Read the numbers · analyze queued', at: '2026-03-01T11:58:00Z' });
  });

  it('ignores other agents’ missions and finished ones', () => {
    expect(deriveActivity(agent, [mission({ createdBy: 'opus' }), mission({ status: 'succeeded' })], [], now).state).toBe('idle');
  });

  it('is chatting right after a conversation event, idle a while later', () => {
    const chat = event({ kind: 'roundtable_turn', title: 'Said something', tags: ['roundtable'] });
    expect(deriveActivity(agent, [], [chat], now).state).toBe('chatting');
    expect(deriveActivity(agent, [], [chat], now + 10 * 60_000).state).toBe('idle');
  });

  it('is idle with its last event, or off when turned off', () => {
    expect(deriveActivity(agent, [], [event({})], now)).toMatchObject({ state: 'idle', label: 'analyze succeeded' });
    expect(deriveActivity(agent, [], [], now)).toMatchObject({ state: 'idle', label: 'No activity yet', at: null });
    // "Mission succeeded" leads to that mission
    expect(deriveActivity(agent, [], [event({ kind: 'mission_succeeded', title: 'Mission succeeded: Read the numbers', missionId: 7 })], now)).toMatchObject({ state: 'idle', missionId: 7 });
    expect(deriveActivity({ ...agent, enabled: false }, [mission({})], [], now).state).toBe('off');
  });
});
