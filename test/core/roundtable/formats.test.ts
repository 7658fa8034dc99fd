import { describe, expect, it } from 'vitest';
import { formatIds, formats } from '../../../core/roundtable/formats.ts';
import { dailySchedule, expectedShareBy } from '../../../core/roundtable/schedule.ts';

describe('conversation formats and the daily schedule', () => {
  it('has the 16 formats, with the seed numbers for the first three', () => {
    expect(formatIds).toHaveLength(16);
    expect(formats.standup).toMatchObject({ minAgents: 4, maxAgents: 6, minTurns: 6, maxTurns: 12, temperature: 0.6, leaderOpens: true, actionItemsAllowed: true });
    expect(formats.debate).toMatchObject({ minAgents: 2, maxAgents: 3, minTurns: 6, maxTurns: 10, temperature: 0.8 });
    expect(formats.watercooler).toMatchObject({ minAgents: 2, maxAgents: 3, minTurns: 2, maxTurns: 5, temperature: 0.9 });
    for (const id of ['war_room', 'brainstorm', 'conflict_resolution', 'mentoring']) expect(formatIds).toContain(id);
    // only the formal formats turn action items into work
    expect(formatIds.filter((id) => formats[id].actionItemsAllowed).sort()).toEqual(['brainstorm', 'standup', 'war_room']);
    for (const id of formatIds) {
      const f = formats[id];
      expect(f.id).toBe(id);
      expect(f.minAgents).toBeLessThanOrEqual(f.maxAgents);
      expect(f.minTurns).toBeLessThanOrEqual(f.maxTurns);
      expect(f.topics.length).toBeGreaterThan(0);
    }
  });

  it('has 24 hourly slots with probabilities in 0.4–1.0; the morning standup always happens', () => {
    expect(dailySchedule.map((s) => s.hour)).toEqual([...Array(24).keys()]);
    for (const s of dailySchedule) {
      expect(s.probability).toBeGreaterThanOrEqual(0.4);
      expect(s.probability).toBeLessThanOrEqual(1);
      expect(formatIds).toContain(s.format);
    }
    const standup = dailySchedule.filter((s) => s.format === 'standup');
    expect(standup).toEqual([expect.objectContaining({ hour: 6, name: 'Morning Standup', probability: 1 })]);
    expect(dailySchedule.filter((s) => s.probability === 1)).toHaveLength(1);
    // every format is reachable from the schedule
    expect(new Set(dailySchedule.map((s) => s.format)).size).toBe(16);
    expect(expectedShareBy(23)).toBe(1);
    expect(expectedShareBy(5)).toBeLessThan(0.25);
  });
});
