import type { MissionStep } from '../store/entities.js';

/**
 * Attempts only where they say something: a retry under way or waiting, or a
 * step that needed more than one. A failure that is never retried (its error
 * is not one that a retry mends) says so, not "attempt 1/3".
 */
export function attemptsLabel(s: Pick<MissionStep, 'status' | 'attempts' | 'maxAttempts'>): string {
  const { status, attempts, maxAttempts } = s;
  if (status === 'queued' && attempts > 0) return `retry ${attempts + 1} of ${maxAttempts} waiting`;
  if (status === 'running') return attempts > 1 ? `attempt ${attempts} of ${maxAttempts}` : '';
  if (status === 'failed') return attempts > 1 ? `failed after ${attempts} attempts` : attempts === 1 && maxAttempts > 1 ? 'not retried' : '';
  if (status === 'succeeded') return attempts > 1 ? `on attempt ${attempts}` : '';
  return '';
}
