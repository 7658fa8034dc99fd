/** Shared value parsers, so both adapters return the same JS values. */
export const OID = { int8: 20, numeric: 1700, timestamptz: 1184, timestamp: 1114, date: 1082 } as const;

export function parseInt8(v: string): number {
  return Number(v);
}

export function parseNumeric(v: string): number {
  return Number(v);
}

const UTC_TEXT = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

/** `2026-01-01 00:00:00.123+00` → `2026-01-01T00:00:00.123Z` */
export function parseTimestamptz(v: string): string {
  // the common case, as a UTC session prints it: rearranged, not parsed (milliseconds kept, finer digits dropped as Date does)
  const m = UTC_TEXT.exec(v);
  if (m) return `${m[1]}T${m[2]}.${(m[3] ?? '').slice(0, 3).padEnd(3, '0')}Z`;
  const ms = Date.parse(v.includes('T') ? v : v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  if (Number.isNaN(ms)) return v;
  return new Date(ms).toISOString();
}
