/** Shared value parsers, so both adapters return the same JS values. */
export const OID = { int8: 20, numeric: 1700, timestamptz: 1184, timestamp: 1114, date: 1082 } as const;

export function parseInt8(v: string): number {
  return Number(v);
}

export function parseNumeric(v: string): number {
  return Number(v);
}

/** `2026-01-01 00:00:00.123+00` → `2026-01-01T00:00:00.123Z` */
export function parseTimestamptz(v: string): string {
  const ms = Date.parse(v.includes('T') ? v : v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  if (Number.isNaN(ms)) return v;
  return new Date(ms).toISOString();
}
