import { localDate, startOfDay, tzOffsetMs } from '../ops/time.js';

/** When a routine is due: a local time of day on some weekdays (0 = Sunday), in the user's time zone. */
export interface RoutineTime {
  timeOfDay: string;
  days: readonly number[];
}

const DAY = 86_400_000;

function minutes(timeOfDay: string): number {
  const [h, m] = timeOfDay.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function weekday(dayStart: number, timeZone: string): number {
  const [y, m, d] = localDate(dayStart + 12 * 3_600_000, timeZone).split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay();
}

/** The instant of the routine's time on the local day that starts at `dayStart` (DST-safe). */
function slotOn(dayStart: number, r: RoutineTime, timeZone: string): number {
  const guess = dayStart + minutes(r.timeOfDay) * 60_000;
  return guess + (tzOffsetMs(dayStart, timeZone) - tzOffsetMs(guess, timeZone));
}

/** Every due time in (after, until], oldest first. */
export function dueSlots(r: RoutineTime, after: number, until: number, timeZone: string, max = 400): number[] {
  const out: number[] = [];
  for (let day = startOfDay(after, timeZone); day <= until && out.length < max; day = startOfDay(day + DAY + 3 * 3_600_000, timeZone)) {
    if (!r.days.includes(weekday(day, timeZone))) continue;
    const at = slotOn(day, r, timeZone);
    if (at > after && at <= until) out.push(at);
  }
  return out;
}

/** The next due time after `after`, within two weeks (null when no day is selected). */
export function nextSlot(r: RoutineTime, after: number, timeZone: string): number | null {
  return dueSlots(r, after, after + 15 * DAY, timeZone, 1)[0] ?? null;
}
