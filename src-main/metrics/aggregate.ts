/**
 * Pod and Deployment aggregates: the containers' samples summed per round. All containers of a
 * cluster are sampled in one round and stamped with the same time, so sums line up exactly; a
 * value missing for one container (RSS from metrics-server) leaves the others' sum as it is.
 */
import type { Aggregate, AggregateRef } from '../../src-shared/metrics/contract';
import type { ContainerHistory } from './history';
import type { ContainerInfo } from './pod-index';

export function aggregate(series: Iterable<ContainerHistory>, ref: AggregateRef, infoOf: (h: ContainerHistory) => ContainerInfo | undefined): Aggregate {
  const sums = new Map<number, { cpu: number; ws: number; rss: number; n: [number, number, number] }>();
  const out: Aggregate = { ref, containers: 0, t: [], cpu: [], workingSet: [], rss: [], restarts: 0, events: [] };
  let memoryLimit = 0, memoryRequest = 0, cpuRequest = 0, cpuLimit = 0;
  let allLimited = true;
  let allCpuLimited = true;
  for (const h of series) {
    if (h.ref.clusterId !== ref.clusterId || h.ref.namespace !== ref.namespace) continue;
    const info = infoOf(h);
    if (ref.scope === 'pod' ? h.ref.pod !== ref.name : info?.deployment !== ref.name) continue;
    out.containers++;
    out.restarts += info?.restarts ?? 0;
    out.events.push(...h.events);
    memoryRequest += info?.memoryRequest ?? 0;
    cpuRequest += info?.cpuRequest ?? 0;
    if (info?.cpuLimit) cpuLimit += info.cpuLimit;
    else allCpuLimited = false;
    if (info?.memoryLimit) memoryLimit += info.memoryLimit;
    else allLimited = false;
    const a = h.ring.toArrays();
    for (let i = 0; i < a.t.length; i++) {
      let s = sums.get(a.t[i]!);
      if (!s) sums.set(a.t[i]!, (s = { cpu: 0, ws: 0, rss: 0, n: [0, 0, 0] }));
      if (!Number.isNaN(a.cpu[i]!)) {
        s.cpu += a.cpu[i]!;
        s.n[0]++;
      }
      if (!Number.isNaN(a.ws[i]!)) {
        s.ws += a.ws[i]!;
        s.n[1]++;
      }
      if (!Number.isNaN(a.rss[i]!)) {
        s.rss += a.rss[i]!;
        s.n[2]++;
      }
    }
  }
  for (const t of [...sums.keys()].sort((x, y) => x - y)) {
    const s = sums.get(t)!;
    out.t.push(t);
    out.cpu.push(s.n[0] ? s.cpu : null);
    out.workingSet.push(s.n[1] ? s.ws : null);
    out.rss.push(s.n[2] ? s.rss : null);
  }
  out.events.sort((x, y) => x.at - y.at);
  // A sum of limits is only a limit when every container has one.
  if (allLimited && memoryLimit) out.memoryLimit = memoryLimit;
  if (memoryRequest) out.memoryRequest = memoryRequest;
  if (cpuRequest) out.cpuRequest = cpuRequest;
  if (allCpuLimited && cpuLimit) out.cpuLimit = cpuLimit;
  return out;
}
