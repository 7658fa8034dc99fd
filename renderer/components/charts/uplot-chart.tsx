import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  /** Stacked bars or a line (a budget, a trend). */
  kind?: 'bars' | 'line';
  dash?: boolean;
  /** A line through the points it has (the others are null), as a log of changes is drawn. */
  spanGaps?: boolean;
  /** What the legend shows at each x instead of the drawn value (a stacked bar shows its own count, not the stack's top). */
  legendValues?: (number | null)[];
}

interface Props {
  /** x values (seconds since the epoch), then one array per series. */
  data: [number[], ...(number | null)[][]];
  series: ChartSeries[];
  height?: number;
  label: string;
  yLabel?: string;
  /** Names for x = 0, 1, 2 … instead of a time axis (bars by type, by agent). */
  categories?: readonly string[];
  /** The y range, when it is fixed (affinity runs from 0 to 1). */
  yRange?: [number, number];
}

const axis = { stroke: '#8790a6', grid: { stroke: 'rgb(255 255 255 / 0.06)' }, ticks: { stroke: 'rgb(255 255 255 / 0.08)' } };

/**
 * The one chart of the app: uPlot on a canvas, sized to its container,
 * created once and fed new data with setData (no React re-render per point).
 */
export function UplotChart({ data, series, height = 160, label, yLabel, categories, yRange }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const legend = useRef(series.map((s) => s.legendValues));
  legend.current = series.map((s) => s.legendValues);
  const shape = series.map((s) => `${s.label}|${s.kind ?? 'bars'}`).join(',') + `|${categories?.join(',') ?? ''}|${yRange?.join(',') ?? ''}`;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true },
      cursor: { points: { show: false } },
      scales: categories
        ? { x: { time: false, range: [-0.5, categories.length - 0.5] }, ...(yRange ? { y: { range: yRange } } : {}) }
        : { x: { time: true }, ...(yRange ? { y: { range: yRange } } : {}) },
      axes: [
        categories ? { ...axis, splits: () => categories.map((_, i) => i), values: (_u: uPlot, ticks: number[]) => ticks.map((t) => categories[t] ?? '') } : axis,
        { ...axis, label: yLabel, size: 44 },
      ],
      series: [
        categories ? { value: (_u: uPlot, v: number | null) => (v === null ? '' : (categories[v] ?? '')) } : {},
        ...series.map((s, si) => ({
          label: s.label,
          stroke: s.color,
          fill: s.kind === 'line' ? undefined : s.color,
          width: s.kind === 'line' ? 2 : 0,
          dash: s.dash ? [6, 4] : undefined,
          paths: s.kind === 'line' ? undefined : bars,
          points: { show: s.spanGaps === true, size: 4 },
          spanGaps: s.spanGaps === true,
          ...(s.legendValues ? { value: (_u: uPlot, v: number | null, _s: number, i: number | null) => String(i === null ? (v ?? '') : (legend.current[si]?.[i] ?? '')) } : {}),
        })),
      ],
    };
    const p = new uPlot(opts, data as uPlot.AlignedData, el);
    plot.current = p;
    const ro = new ResizeObserver(() => p.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      p.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series change shape; new numbers go through setData below.
  }, [shape, height, yLabel]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  return <div ref={ref} className="chart" role="img" aria-label={label} data-testid="chart" />;
}
