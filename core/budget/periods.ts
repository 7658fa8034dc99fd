import { localDate, startOfDay } from '../ops/time.js';

/** The local day and month a budget is counted in, and when they began and end. */
export interface Periods {
  dayKey: string;
  monthKey: string;
  dayStart: number;
  dayEnd: number;
  monthStart: number;
}

export function periodsAt(nowMs: number, timeZone: string): Periods {
  const dayStart = startOfDay(nowMs, timeZone);
  const dayKey = localDate(nowMs, timeZone);
  // the next local midnight: a little over a day later, then back to its start (DST-safe)
  const dayEnd = startOfDay(dayStart + 26 * 3_600_000, timeZone);
  const monthKey = dayKey.slice(0, 7);
  const dayOfMonth = Number(dayKey.slice(8, 10));
  const monthStart = startOfDay(dayStart - (dayOfMonth - 1) * 86_400_000 + 12 * 3_600_000, timeZone);
  return { dayKey, monthKey, dayStart, dayEnd, monthStart };
}
