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

/**
 * Bars per category stacked by group, for a chart that draws bars over each
 * other: stack k reaches the sum of groups k and after, so group k shows
 * between stack k+1 and stack k. Groups are ordered by their total, largest
 * first; `counts` keeps each group's own numbers for the legend.
 */
export function stackedByCategory<R>(
  rows: readonly R[],
  category: (r: R) => string,
  group: (r: R) => string,
  value: (r: R) => number,
): { x: number[]; categories: string[]; groups: string[]; stacks: number[][]; counts: number[][] } {
  const catTotals = new Map<string, number>();
  const groupTotals = new Map<string, number>();
  for (const r of rows) {
    catTotals.set(category(r), (catTotals.get(category(r)) ?? 0) + value(r));
    groupTotals.set(group(r), (groupTotals.get(group(r)) ?? 0) + value(r));
  }
  const byTotal = (m: Map<string, number>) => [...m.keys()].sort((a, b) => (m.get(b) ?? 0) - (m.get(a) ?? 0) || a.localeCompare(b));
  const categories = byTotal(catTotals);
  const groups = byTotal(groupTotals);
  const counts = groups.map(() => new Array<number>(categories.length).fill(0));
  for (const r of rows) {
    const c = categories.indexOf(category(r));
    const g = groups.indexOf(group(r));
    (counts[g] as number[])[c] = ((counts[g] as number[])[c] ?? 0) + value(r);
  }
  const stacks = groups.map((_, k) => categories.map((_c, c) => counts.slice(k).reduce((n, row) => n + (row[c] ?? 0), 0)));
  return { x: categories.map((_, i) => i), categories, groups, stacks, counts };
}
