import { useMemo } from 'react';
import { UplotChart } from '../../components/charts/uplot-chart.js';
import type { Relationship } from '../../store/roundtables-store.js';

/** One point per drift, and the pair's affinity before its first drift, an hour earlier. */
export function affinitySeries(
  rels: readonly Pick<Relationship, 'agentA' | 'agentB' | 'affinity' | 'driftLog'>[],
): { x: number[]; ys: (number | null)[][] } {
  const times = new Set<number>();
  const points = rels.map((r) => {
    const m = new Map<number, number>();
    const first = r.driftLog[0];
    for (const d of r.driftLog) m.set(Math.floor(Date.parse(d.at) / 1000), d.affinity);
    if (first) {
      // the starting value, drawn an hour before the first drift moved it (so a first day still reads as a line in time)
      const t0 = Math.floor(Date.parse(first.at) / 1000) - 3600;
      if (!m.has(t0)) m.set(t0, Math.round((first.affinity - first.drift) * 1000) / 1000);
    }
    for (const t of m.keys()) times.add(t);
    return m;
  });
  const x = [...times].sort((a, b) => a - b);
  return { x, ys: points.map((m) => x.map((t) => m.get(t) ?? null)) };
}

const pairColour = (i: number, n: number): string => `hsl(${Math.round((i * 360) / Math.max(1, n))} 65% 62%)`;

/**
 * Affinity of each pair over time, from the relationship drift log: one line
 * per pair that has drifted (the selected pair alone when one is picked).
 */
export function AffinityChart({ relationships, names, selected }: { relationships: readonly Relationship[]; names(id: string): string; selected: string | null }) {
  const chart = useMemo(() => {
    const drifted = relationships.filter((r) => r.driftLog.length > 0);
    const shown = selected ? drifted.filter((r) => `${r.agentA}|${r.agentB}` === selected) : drifted;
    const { x, ys } = affinitySeries(shown);
    return {
      pairs: shown.map((r) => `${r.agentA}|${r.agentB}`),
      data: [x, ...ys] as [number[], ...(number | null)[][]],
      series: shown.map((r) => ({ label: `${names(r.agentA)} ↔ ${names(r.agentB)}`, color: pairColour(drifted.indexOf(r), drifted.length), kind: 'line' as const, spanGaps: true })),
    };
  }, [relationships, names, selected]);
  return (
    <figure className="affinity-chart" data-testid="affinity-chart" data-pairs={chart.pairs.join(',')} data-points={chart.data[0].length}>
      <figcaption>Affinity over time{selected ? '' : ' (every pair that has drifted)'}</figcaption>
      {chart.series.length === 0 ? (
        <p className="trends-empty">No drift yet: each conversation moves a pair's affinity a little, and the line starts then.</p>
      ) : (
        <UplotChart label="Affinity of each pair over time" yLabel="affinity" yRange={[0, 1]} height={200} {...chart} />
      )}
    </figure>
  );
}
