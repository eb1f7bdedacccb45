/**
 * The top lists across every cluster, computed from the histories after each round: highest memory
 * as % of limit, fastest growing working set, most restarts, highest CPU against its limit (or
 * request). Only containers sampled recently rank by usage; restarts rank even when not running
 * (a crash-looping container has no current usage, and it is exactly the one to look at).
 */
import type { MetricsTop, TopRow } from '../../src-shared/metrics/contract';
import type { ContainerHistory } from './history';
import { growthPerMin } from './history';
import type { ContainerInfo } from './pod-index';

export function topRow(h: ContainerHistory, info: ContainerInfo | undefined, now: number, freshMs: number): TopRow {
  const last = h.ring.last();
  const fresh = last && now - last.t <= freshMs && !Number.isNaN(last.ws);
  const ws = fresh ? last.ws : undefined;
  const cpu = fresh && !Number.isNaN(last.cpu) ? last.cpu : undefined;
  const cpuRef = info?.cpuLimit ?? info?.cpuRequest;
  const row: TopRow = {
    ...h.ref,
    restarts: info?.restarts ?? h.events.at(-1)?.restartCount ?? 0,
    oomKills: h.events.filter((e) => e.kind === 'oom').length,
  };
  if (info?.app) row.app = info.app;
  if (ws !== undefined) row.workingSet = ws;
  if (info?.memoryLimit) row.memoryLimit = info.memoryLimit;
  if (info?.memoryRequest) row.memoryRequest = info.memoryRequest;
  if (ws !== undefined && info?.memoryLimit) row.memoryPct = (100 * ws) / info.memoryLimit;
  if (fresh) {
    const g = growthPerMin(h, now);
    if (g !== undefined) row.growthPerMin = g;
  }
  if (cpu !== undefined) row.cpuCores = cpu;
  if (info?.cpuRequest) row.cpuRequest = info.cpuRequest;
  if (info?.cpuLimit) row.cpuLimit = info.cpuLimit;
  if (cpu !== undefined && cpuRef) row.cpuPct = (100 * cpu) / cpuRef;
  const reason = info?.lastTerminated?.reason ?? h.events.at(-1)?.reason;
  if (reason) row.lastReason = reason;
  return row;
}

function best(rows: TopRow[], score: (r: TopRow) => number | undefined, limit: number): TopRow[] {
  const scored: { r: TopRow; s: number }[] = [];
  for (const r of rows) {
    const s = score(r);
    if (s !== undefined && Number.isFinite(s) && s > 0) scored.push({ r, s });
  }
  scored.sort((a, b) => b.s - a.s);
  return scored.slice(0, limit).map((x) => x.r);
}

export function topLists(rows: TopRow[], limit: number): MetricsTop['lists'] {
  return {
    memory: best(rows, (r) => r.memoryPct ?? (r.workingSet !== undefined ? r.workingSet / 2 ** 40 : undefined), limit),
    growth: best(rows, (r) => r.growthPerMin, limit),
    restarts: best(rows, (r) => r.restarts + r.oomKills * 0.5, limit),
    cpu: best(rows, (r) => r.cpuPct ?? r.cpuCores, limit),
  };
}
