/** Calendar helpers in the user's time zone (no wall clock: callers pass `now`). */

function partsIn(ms: number, timeZone: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const get = (type: string): number => Number(fmt.formatToParts(ms).find((p) => p.type === type)?.value ?? 0);
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), min: get('minute'), s: get('second') };
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds. */
export function tzOffsetMs(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant local midnight began for the day containing `ms`. */
export function startOfDay(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const guess = Date.UTC(p.y, p.m - 1, p.d) - tzOffsetMs(ms, timeZone);
  // correct across a DST change that happened since midnight
  return Date.UTC(p.y, p.m - 1, p.d) - tzOffsetMs(guess, timeZone);
}

/** Local hour (0–23) at `ms`. */
export function localHour(ms: number, timeZone: string): number {
  return partsIn(ms, timeZone).h;
}

/** Local date as YYYY-MM-DD. */
export function localDate(ms: number, timeZone: string): string {
  const p = partsIn(ms, timeZone);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
