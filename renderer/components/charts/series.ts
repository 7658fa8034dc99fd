/** Turns per-day rows into the aligned arrays a chart takes: one x per day, one array per group. */
export function byDay<R extends { day: string }>(
  rows: readonly R[],
  group: (r: R) => string,
  value: (r: R) => number,
  days: number,
  today: string,
): { x: number[]; groups: string[]; ys: number[][] } {
  const end = Date.parse(`${today}T00:00:00Z`);
  const x = Array.from({ length: days }, (_, i) => (end - (days - 1 - i) * 86_400_000) / 1000);
  const index = new Map(x.map((t, i) => [new Date(t * 1000).toISOString().slice(0, 10), i]));
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(group(r), (totals.get(group(r)) ?? 0) + value(r));
  const groups = [...totals.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0));
  const ys = groups.map(() => new Array<number>(days).fill(0));
  for (const r of rows) {
    const i = index.get(r.day);
    const g = groups.indexOf(group(r));
    if (i === undefined || g < 0) continue;
    (ys[g] as number[])[i] = ((ys[g] as number[])[i] ?? 0) + value(r);
  }
  return { x, groups, ys };
}
