import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  /** Stacked bars or a line (a budget, a trend). */
  kind?: 'bars' | 'line';
  dash?: boolean;
}

interface Props {
  /** x values (seconds since the epoch), then one array per series. */
  data: [number[], ...(number | null)[][]];
  series: ChartSeries[];
  height?: number;
  label: string;
  yLabel?: string;
}

const axis = { stroke: '#8790a6', grid: { stroke: 'rgb(255 255 255 / 0.06)' }, ticks: { stroke: 'rgb(255 255 255 / 0.08)' } };

/**
 * The one chart of the app: uPlot on a canvas, sized to its container,
 * created once and fed new data with setData (no React re-render per point).
 */
export function UplotChart({ data, series, height = 160, label, yLabel }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => `${s.label}|${s.kind ?? 'bars'}`).join(',');

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true },
      cursor: { points: { show: false } },
      scales: { x: { time: true } },
      axes: [axis, { ...axis, label: yLabel, size: 44 }],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: s.kind === 'line' ? undefined : s.color,
          width: s.kind === 'line' ? 2 : 0,
          dash: s.dash ? [6, 4] : undefined,
          paths: s.kind === 'line' ? undefined : bars,
          points: { show: false },
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
