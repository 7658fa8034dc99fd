import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from '../../../core/db/types.ts';

/** What parseTimestamptz did before its fast path: parse the text as a date, print it as ISO. */
const byDate = (v: string): string => new Date(Date.parse(v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'))).toISOString();

describe('parseTimestamptz', () => {
  it('reads what a UTC session prints exactly as Date would, for every precision Postgres prints', () => {
    for (const v of [
      '2026-01-05 00:00:00+00',
      '2026-01-05 09:30:00.5+00',
      '2026-01-05 09:30:00.05+00',
      '2026-12-31 23:59:59.999+00',
      '2026-02-28 12:00:00.123456+00',
      '2026-02-28 12:00:00.000001+00',
      '1999-01-01 00:00:00.1239+00',
    ])
      expect(parseTimestamptz(v), v).toBe(byDate(v));
  });

  it('still reads other offsets and ISO text through Date, and leaves what is not a date as it is', () => {
    expect(parseTimestamptz('2026-01-05 02:00:00+02')).toBe('2026-01-05T00:00:00.000Z');
    expect(parseTimestamptz('2026-01-05 05:30:00.25+05:30')).toBe('2026-01-05T00:00:00.250Z');
    expect(parseTimestamptz('2026-01-05T00:00:00Z')).toBe('2026-01-05T00:00:00.000Z');
    expect(parseTimestamptz('infinity')).toBe('infinity');
  });
});
