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

export function chartData(s: Series): ChartData {
  const xs = s.t.map((t) => t / 1000);
  const n = xs.length;
  return {
    memory: [xs, s.workingSet, s.rss, constant(n, s.memoryRequest), constant(n, s.memoryLimit)],
    cpu: [xs, s.cpu, constant(n, s.cpuRequest), constant(n, s.cpuLimit)],
    markers: s.events.map((e) => ({ x: e.at / 1000, kind: e.kind, label: eventLabel(e) })),
  };
}

export function eventLabel(e: TimelineEvent): string {
  if (e.kind === 'oom') return `OOMKilled (exit ${e.exitCode ?? 137}) · restart #${e.restartCount}`;
  return `Restarted: ${e.reason ?? 'terminated'}${e.exitCode !== undefined ? ` (exit ${e.exitCode}${e.exitCode === 137 ? ', SIGKILL, not reported as OOM' : ''})` : ''} · restart #${e.restartCount}`;
}

export function terminatedLabel(t: Series['lastTerminated']): string | undefined {
  if (!t) return undefined;
  const parts = [t.reason ?? 'Terminated', t.exitCode !== undefined ? `exit ${t.exitCode}` : undefined, t.finishedAt ? `at ${new Date(t.finishedAt).toLocaleTimeString()}` : undefined];
  return parts.filter(Boolean).join(' · ');
}

export function memorySummary(s: Series): string {
  const last = [...s.workingSet].reverse().find((v) => v !== null) ?? undefined;
  const pct = last !== undefined && s.memoryLimit ? ` (${Math.round((100 * last) / s.memoryLimit)}% of limit ${formatBytes(s.memoryLimit)})` : s.memoryLimit ? '' : ' (no limit)';
  return `${formatBytes(last)}${pct}`;
}
