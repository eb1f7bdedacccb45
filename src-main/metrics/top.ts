/**
 * The top lists across every cluster, computed from the histories after each round: highest memory
 * as % of limit, fastest growing working set, most restarts, highest CPU against its limit (or
 * request). Only containers sampled recently rank by usage; restarts rank even when not running
 * (a crash-looping container has no current usage, and it is exactly the one to look at).
 */
import type { ClusterMetrics, MetricsTop, SourceStatus, TopRow } from '../../src-shared/metrics/contract';
import type { ContainerHistory } from './history';
import { growthPerMin } from './history';
import type { ContainerInfo } from './pod-index';

export function topRow(h: ContainerHistory, info: ContainerInfo | undefined, now: number, freshMs: number, throttled?: number): TopRow {
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
  if (throttled !== undefined) row.throttledPct = 100 * throttled;
  const reason = info?.lastTerminated?.reason ?? h.events.at(-1)?.reason;
  if (reason) row.lastReason = reason;
  const ended = endedOf(h, info, last?.t);
  if (ended) row.ended = ended;
  return row;
}

/**
 * Whether the instance the last sample came from has ended, as the pod watch tells (at once, not
 * at the next round): the pod was deleted, the container is not running, or it restarted after
 * the sample was taken.
 */
export function endedOf(h: ContainerHistory, info: ContainerInfo | undefined, lastSampleAt: number | undefined): TopRow['ended'] {
  if (lastSampleAt === undefined) return undefined;
  if (info?.deletedAt !== undefined) return { reason: 'pod deleted', at: info.deletedAt };
  const kill = h.events.at(-1);
  if (info?.state !== undefined && info.state !== 'running')
    return { reason: info.lastTerminated?.reason ?? info.state, ...(kill ? { at: kill.at } : {}) };
  if (kill && kill.at >= lastSampleAt) return { reason: kill.reason ?? 'restarted', at: kill.at };
  return undefined;
}

interface Scored {
  h: ContainerHistory;
  info: ContainerInfo | undefined;
  s: number;
}

/** Keeps the `limit` highest scores; scores ≤ 0 or undefined never rank. */
class Best {
  readonly items: Scored[] = [];
  constructor(private readonly limit: number) {}
  offer(h: ContainerHistory, info: ContainerInfo | undefined, s: number | undefined): void {
    if (s === undefined || !(s > 0) || !Number.isFinite(s)) return;
    if (this.items.length >= this.limit && s <= this.items[this.items.length - 1]!.s) return;
    this.items.push({ h, info, s });
    this.items.sort((a, b) => b.s - a.s);
    if (this.items.length > this.limit) this.items.pop();
  }
}

/**
 * Runs over every container each round, so it scores with plain numbers and builds row objects
 * only for the few that make a list.
 */
/** What the scan saw of one container (for the history budget's interest scores). */
export interface Scan {
  info: ContainerInfo | undefined;
  ooms: number;
  memoryPct?: number;
  growthPerMin?: number;
}

export function topLists(
  series: Iterable<ContainerHistory>,
  infoOf: (h: ContainerHistory) => ContainerInfo | undefined,
  now: number,
  freshMs: number,
  limit: number,
  throttledOf: (h: ContainerHistory) => number | undefined = () => undefined,
  visit?: (h: ContainerHistory, scan: Scan) => void,
): MetricsTop['lists'] {
  const memory = new Best(limit);
  const growth = new Best(limit);
  const restarts = new Best(limit);
  const cpu = new Best(limit);
  const throttled = new Best(limit);
  for (const h of series) {
    const info = infoOf(h);
    throttled.offer(h, info, throttledOf(h));
    let ooms = 0;
    for (const e of h.events) if (e.kind === 'oom') ooms++;
    restarts.offer(h, info, (info?.restarts ?? h.events.at(-1)?.restartCount ?? 0) + ooms * 0.5);
    const last = h.ring.last();
    if (!last || now - last.t > freshMs || Number.isNaN(last.ws)) {
      visit?.(h, { info, ooms });
      continue;
    }
    memory.offer(h, info, info?.memoryLimit ? last.ws / info.memoryLimit : last.ws / 2 ** 50);
    const cpuRef = info?.cpuLimit ?? info?.cpuRequest;
    if (!Number.isNaN(last.cpu)) cpu.offer(h, info, cpuRef ? last.cpu / cpuRef : last.cpu / 1000);
    const g = growthPerMin(h, now);
    growth.offer(h, info, g);
    visit?.(h, { info, ooms, growthPerMin: g, memoryPct: info?.memoryLimit ? (100 * last.ws) / info.memoryLimit : undefined });
  }
  const rows = (b: Best) => b.items.map((x) => topRow(x.h, x.info, now, freshMs, throttledOf(x.h)));
  return { memory: rows(memory), growth: rows(growth), restarts: rows(restarts), cpu: rows(cpu), throttled: rows(throttled) };
}

export function sliceTop(t: MetricsTop, limit: number): MetricsTop {
  const l = t.lists;
  return {
    ...t,
    lists: {
      memory: l.memory.slice(0, limit),
      growth: l.growth.slice(0, limit),
      restarts: l.restarts.slice(0, limit),
      cpu: l.cpu.slice(0, limit),
      throttled: l.throttled.slice(0, limit),
    },
  };
}

/** A cluster's sources as the view shows them, Prometheus included (said when not configured). */
export function clusterStatus(
  clusterId: string,
  st: { sampler: { sources: Record<string, SourceStatus> }; prom?: SourceStatus; containers: number; lastRoundAt?: number } | undefined,
  promUrl: string | undefined,
): ClusterMetrics {
  const sources = st ? Object.values(st.sampler.sources) : [];
  sources.push(
    promUrl
      ? (st?.prom ?? { kind: 'prometheus', state: 'unknown' })
      : { kind: 'prometheus', state: 'unconfigured', message: 'No Prometheus URL for this cluster (optional: adds CPU throttling).' },
  );
  return { clusterId, sources, containers: st?.containers ?? 0, ...(st?.lastRoundAt ? { lastRoundAt: st.lastRoundAt } : {}) };
}
