/**
 * Pure helpers for the charts: a Series from main → uPlot's column arrays (x in seconds, null for
 * gaps), constant request/limit lines, and the restart/OOM markers; plus the words for the last
 * terminated state. Kept out of the components so they are tested without a DOM.
 */
import type { Series, TimelineEvent } from '../../../src-shared/metrics/contract';
import { formatBytes } from '../../../src-shared/metrics/quantity';

export type Column = (number | null)[];

export interface ChartData {
  memory: [number[], Column, Column, Column, Column];
  cpu: [number[], Column, Column, Column];
  markers: { x: number; kind: TimelineEvent['kind']; label: string }[];
}

const constant = (n: number, v: number | undefined): Column => new Array<number | null>(n).fill(v ?? null);

/**
 * Adds an empty row at every marker time: the line breaks where the container died (a restarted
 * container's memory must not be joined to the dead one's), and a kill after the last sample of
 * its instance (the usual case: it is dead by the next round) stays inside the plotted x range.
 */
export function withMarkerTimes(t: number[], cols: Column[], markerTimes: number[]): { t: number[]; cols: Column[] } {
  const extra = markerTimes.filter((x) => !t.includes(x)).sort((a, b) => a - b);
  if (!extra.length) return { t, cols };
  const outT: number[] = [];
  const out: Column[] = cols.map(() => []);
  let j = 0;
  for (let i = 0; i <= t.length; i++) {
    while (j < extra.length && (i === t.length || extra[j]! < t[i]!)) {
      outT.push(extra[j++]!);
      for (const c of out) c.push(null);
    }
    if (i < t.length) {
      outT.push(t[i]!);
      cols.forEach((c, k) => out[k]!.push(c[i] ?? null));
    }
  }
  return { t: outT, cols: out };
}

export function chartData(s: Series): ChartData {
  const markers = s.events.map((e) => ({ x: e.at / 1000, kind: e.kind, label: eventLabel(e) }));
  const n = s.t.length;
  const { t, cols } = withMarkerTimes(
    s.t.map((x) => x / 1000),
    [
      s.workingSet,
      s.rss,
      constant(n, s.memoryRequest),
      constant(n, s.memoryLimit),
      s.cpu,
      constant(n, s.cpuRequest),
      constant(n, s.cpuLimit),
    ],
    markers.map((m) => m.x),
  );
  // Request and limit lines run across the padded rows too.
  const line = (v: number | undefined) => constant(t.length, v);
  return {
    memory: [t, cols[0]!, cols[1]!, line(s.memoryRequest), line(s.memoryLimit)],
    cpu: [t, cols[4]!, line(s.cpuRequest), line(s.cpuLimit)],
    markers,
  };
}

export function eventLabel(e: TimelineEvent): string {
  if (e.kind === 'oom') return `OOMKilled (exit ${e.exitCode ?? 137}) · restart #${e.restartCount}`;
  return `Restarted: ${e.reason ?? 'terminated'}${e.exitCode !== undefined ? ` (exit ${e.exitCode}${e.exitCode === 137 ? ', SIGKILL, not reported as OOM' : ''})` : ''} · restart #${e.restartCount}`;
}

export function terminatedLabel(t: Series['lastTerminated']): string | undefined {
  if (!t) return undefined;
  const parts = [
    t.reason ?? 'Terminated',
    t.exitCode !== undefined ? `exit ${t.exitCode}` : undefined,
    t.finishedAt ? `at ${new Date(t.finishedAt).toLocaleTimeString()}` : undefined,
  ];
  return parts.filter(Boolean).join(' · ');
}

export function memorySummary(s: Series): string {
  const last = [...s.workingSet].reverse().find((v) => v !== null) ?? undefined;
  const pct =
    last !== undefined && s.memoryLimit
      ? ` (${Math.round((100 * last) / s.memoryLimit)}% of limit ${formatBytes(s.memoryLimit)})`
      : s.memoryLimit
        ? ''
        : ' (no limit)';
  return `${formatBytes(last)}${pct}`;
}
