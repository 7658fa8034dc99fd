/** Calendar helpers in the user's time zone (no wall clock: callers pass `now`). */

type Parts = { y: number; m: number; d: number; h: number; min: number; s: number };

// Building an Intl.DateTimeFormat costs ~50 µs; one per time zone is kept.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let fmt = formats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (formats.size > 64) formats.clear();
    formats.set(timeZone, fmt);
  }
  return fmt;
}

function partsIn(ms: number, timeZone: string): Parts {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') {
    const t = new Date(ms);
    return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), min: t.getUTCMinutes(), s: t.getUTCSeconds() };
  }
  const out: Parts = { y: 0, m: 0, d: 0, h: 0, min: 0, s: 0 };
  for (const part of formatFor(timeZone).formatToParts(ms)) {
    switch (part.type) {
      case 'year': out.y = Number(part.value); break;
      case 'month': out.m = Number(part.value); break;
      case 'day': out.d = Number(part.value); break;
      case 'hour': out.h = Number(part.value); break;
      case 'minute': out.min = Number(part.value); break;
      case 'second': out.s = Number(part.value); break;
    }
  }
  return out;
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

/** The start of the UTC hour `ms` falls in: a time window's edge that stays the same all hour (a read keyed by it can be answered from memory). */
export function startOfHour(ms: number): number {
  return Math.floor(ms / 3_600_000) * 3_600_000;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
