/**
 * The sampling pace and the history's memory in words, for the status line and the settings
 * panel: why rounds are further apart than asked, and who is kept at which resolution.
 */
import type { MetricsHistoryStatus, MetricsPacing } from '../../../src-shared/metrics/contract';

const seconds = (ms: number) => (ms < 10_000 && ms % 1000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000)));
const minutes = (ms: number) => (ms >= 3_600_000 ? `${ms / 3_600_000} h` : `${Math.round(ms / 60_000)} min`);
const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`;
const count = (n: number) => n.toLocaleString('en-US');

export function pacingText(p: MetricsPacing): string {
  const every = `Sampled every ${seconds(p.intervalMs)} s`;
  if (p.intervalMs <= p.wantedMs) return every;
  return `${every} (you asked for ${seconds(p.wantedMs)} s: a round over ${count(p.containers)} containers costs ${seconds(p.roundCpuMs)} s of CPU, kept under ${p.maxCpuPercent}% of a core)`;
}

export function historyText(h: MetricsHistoryStatus): string {
  const held = `History ${mb(h.bytes)} of ${mb(h.budgetBytes)}`;
  if (h.coarseMs === 0) return `${held}, every container at full resolution`;
  const coarse = h.containers - h.fullResolution;
  const text = `${held}: ${count(h.fullResolution)} containers at full resolution (looked at, OOM-killed or restarted, near the limit, growing), ${count(coarse)} keep ${h.fineMinutes} min as taken and ${minutes(h.coarseMs)} peaks before`;
  return h.overBudget ? `${text}; over the budget even so: raise it or keep a shorter history` : text;
}
