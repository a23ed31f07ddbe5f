/**
 * A time-series line chart (uPlot, bundled; canvas). Follows its container's width, shows a
 * placeholder when there is nothing to draw, and carries a text summary for screen readers.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** Fill under the line (area). */
  fill?: boolean;
}

interface ChartProps {
  title: string;
  /** X values in epoch seconds. */
  xs: number[];
  series: ChartSeries[];
  /** Formats a y value for the legend, and for axis ticks unless `tick` is given. */
  format: (v: number) => string;
  /** Formats a y axis tick, knowing the spacing between ticks (so that no two ticks read the same). */
  tick?: (v: number, step: number) => string;
  /** Whole-number y ticks only (counts of messages: no tick at 0.5). */
  integer?: boolean;
  height?: number;
  emptyText: string;
  summary: string;
}

/** Whole-number tick spacings 1, 2, 5, 10, 20, 50, … up to 5e12. */
const INTEGER_INCRS = Array.from({ length: 13 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

export function Chart({ title, xs, series, format, tick, integer = false, height = 200, emptyText, summary }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('|');
  const empty = xs.length === 0;

  useEffect(() => {
    const el = box.current;
    if (!el || empty) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      padding: [8, 8, 0, 0],
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: '#5f6b7a', grid: { stroke: '#eef0f3', width: 1 }, ticks: { stroke: '#e3e6ea', width: 1 }, font: '11px system-ui, sans-serif' },
        {
          stroke: '#5f6b7a',
          grid: { stroke: '#eef0f3', width: 1 },
          ticks: { show: false },
          font: '11px system-ui, sans-serif',
          size: 56,
          ...(integer ? { incrs: INTEGER_INCRS } : {}),
          values: (_u, vals, _axis, _space, step) => vals.map((v) => (tick ? tick(v, step) : format(v))),
        },
      ],
      series: [
        { label: 'Time', value: (_u, v) => (v === null || v === undefined ? '—' : new Date(v * 1000).toLocaleTimeString()) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.75,
          ...(s.fill ? { fill: `${s.color}1f` } : {}),
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : format(v)),
        })),
      ],
    };
    // Out of the plot, the legend shows the latest values rather than dashes.
    const showLatest = (p: uPlot) => {
      if (p.cursor.idx === null || p.cursor.idx === undefined) p.setLegend({ idx: p.data[0].length - 1 });
    };
    opts.hooks = { ready: [showLatest], setData: [showLatest], setCursor: [showLatest] };
    const u = new uPlot(opts, [xs, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its series change; data updates go through setData below.
  }, [shape, height, empty]);

  useEffect(() => {
    plot.current?.setData([xs, ...series.map((s) => s.values)] as uPlot.AlignedData);
  });

  return (
    <figure class="chart">
      <figcaption class="chart__title">{title}</figcaption>
      {empty ? (
        <div class="chart__empty" style={{ height: `${height}px` }}>
          {emptyText}
        </div>
      ) : (
        <div ref={box} class="chart__plot" role="img" aria-label={`${title}: ${summary}`} />
      )}
    </figure>
  );
}
