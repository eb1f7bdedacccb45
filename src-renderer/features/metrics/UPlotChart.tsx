/**
 * A thin React wrapper around uPlot: creates the plot once per option set, feeds new data with
 * setData (no re-creation while live, so a frame stays cheap), resizes with its box, and draws
 * restart/OOM markers as vertical lines. Colours come from the theme's CSS variables.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartData } from './chart-data';
import { useLatest } from '../../components/useLatest';

export interface SeriesSpec {
  label: string;
  color: string;
  dash?: number[];
  width?: number;
  fill?: string;
}

export const cssVar = (name: string, fallback: string) => {
  const v = typeof document === 'undefined' ? '' : getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
};

function markerPlugin(markers: () => ChartData['markers']): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const ctx = u.ctx;
        const { top, height } = u.bbox;
        ctx.save();
        for (const m of markers()) {
          const x = Math.round(u.valToPos(m.x, 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.strokeStyle = m.kind === 'oom' ? cssVar('--bad', '#b42318') : cssVar('--warn', '#8a5a00');
          ctx.lineWidth = 2 * uPlot.pxRatio;
          ctx.setLineDash(m.kind === 'oom' ? [] : [4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          ctx.fillStyle = ctx.strokeStyle;
          ctx.font = `${11 * uPlot.pxRatio}px system-ui, sans-serif`;
          const label = m.kind === 'oom' ? 'OOM' : '↻';
          // Near the right edge the label goes on the left of the line, inside the plot.
          const w = ctx.measureText(label).width;
          const lx = x + 3 * uPlot.pxRatio + w > u.bbox.left + u.bbox.width ? x - 3 * uPlot.pxRatio - w : x + 3 * uPlot.pxRatio;
          ctx.fillText(label, lx, top + 12 * uPlot.pxRatio);
        }
        ctx.restore();
      },
    },
  };
}

export function UPlotChart({
  data,
  series,
  markers,
  yFormat,
  height = 220,
  testId,
  theme,
}: {
  data: uPlot.AlignedData;
  series: SeriesSpec[];
  markers: ChartData['markers'];
  yFormat: (v: number) => string;
  height?: number;
  testId?: string;
  /** Re-create on theme change so axis colours follow. */
  theme?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const markersRef = useRef(markers);
  markersRef.current = markers;
  const dataRef = useRef(data);
  dataRef.current = data;
  const key = series.map((s) => s.label + s.color).join('|');
  // yFormat and series are described by `key`; re-creating the chart on every render would cost a frame.
  const described = useLatest({ series, yFormat });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const { series, yFormat } = described.current;
    const axis = {
      stroke: cssVar('--text-muted', '#5d6773'),
      grid: { stroke: cssVar('--border', '#d9dde3'), width: 1 },
      ticks: { stroke: cssVar('--border', '#d9dde3') },
    };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 1.5,
          dash: s.dash,
          fill: s.fill,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : yFormat(v)),
        })),
      ],
      axes: [axis, { ...axis, size: 64, values: (_u, vals) => vals.map((v) => yFormat(v)) }],
      scales: { y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.08 : 1] } },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      plugins: [markerPlugin(() => markersRef.current)],
    };
    const u = new uPlot(opts, dataRef.current, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [key, height, theme, described]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <div
      className="uplot-box"
      ref={box}
      data-testid={testId}
      data-points={data[0]?.length ?? 0}
      data-markers={markers.map((m) => m.kind).join(',')}
    />
  );
}
