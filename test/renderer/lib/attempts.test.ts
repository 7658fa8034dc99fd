import { describe, expect, it } from 'vitest';
import { describePattern } from '../../../renderer/views/autonomy/autonomy-format.js';
import { attemptsLabel } from '../../../renderer/lib/attempts.js';

describe('wording of steps and reactions', () => {
  it('shows attempts only when there was or will be more than one', () => {
    // a failure that is never retried (a non-retryable error) is not "attempt 1/3"
    expect(attemptsLabel({ status: 'failed', attempts: 1, maxAttempts: 3 })).toBe('not retried');
    expect(attemptsLabel({ status: 'failed', attempts: 3, maxAttempts: 3 })).toBe('failed after 3 attempts');
    expect(attemptsLabel({ status: 'queued', attempts: 1, maxAttempts: 3 })).toBe('retry 2 of 3 waiting');
    expect(attemptsLabel({ status: 'running', attempts: 1, maxAttempts: 3 })).toBe('');
    expect(attemptsLabel({ status: 'running', attempts: 2, maxAttempts: 3 })).toBe('attempt 2 of 3');
    expect(attemptsLabel({ status: 'succeeded', attempts: 1, maxAttempts: 3 })).toBe('');
    expect(attemptsLabel({ status: 'failed', attempts: 1, maxAttempts: 1 })).toBe('');
  });

  it('says a reaction pattern with names, not its key', () => {
    const names: Record<string, string> = { brain: 'Brain', 'twitter-alt': 'X-Alt' };
    const name = (id: string) => names[id] ?? id;
    expect(describePattern('*|mission_failed|brain|diagnose', name)).toBe('diagnose after a “mission failed” event from anyone');
    expect(describePattern('twitter-alt|posted+tweet|brain|analyze', name)).toBe('analyze after a “posted + tweet” event from X-Alt');
  });
});
