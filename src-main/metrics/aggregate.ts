/**
 * Pod and Deployment aggregates: the containers' samples summed per round. All containers of a
 * cluster are sampled in one round and stamped with the same time, so sums line up exactly; a
 * value missing for one container (RSS from metrics-server) leaves the others' sum as it is.
 * Containers kept coarser by the history budget count their bucket for the times it covers.
 */
import type { Aggregate, AggregateRef } from '../../src-shared/metrics/contract';
import type { ContainerHistory } from './history';
import type { ContainerInfo } from './pod-index';
import type { SampleArrays } from './ring';

export function aggregate(
  series: Iterable<ContainerHistory>,
  ref: AggregateRef,
  infoOf: (h: ContainerHistory) => ContainerInfo | undefined,
  bucketMs = 0,
): Aggregate {
  const arrays: SampleArrays[] = [];
  const sums = new Map<number, { cpu: number; ws: number; rss: number; n: [number, number, number] }>();
  const out: Aggregate = { ref, containers: 0, t: [], cpu: [], workingSet: [], rss: [], restarts: 0, events: [] };
  let memoryLimit = 0,
    memoryRequest = 0,
    cpuRequest = 0,
    cpuLimit = 0;
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
    arrays.push(h.ring.toArrays());
  }
  // Every time any container has a sample. A container at full resolution has one at each of them
  // (same rounds, same stamps); one whose older samples were merged into buckets counts its bucket
  // for every time the bucket covers (at most `bucketMs` back), so the sum has no sawtooth.
  const times = [...new Set(arrays.flatMap((a) => a.t))].sort((x, y) => x - y);
  for (const t of times) sums.set(t, { cpu: 0, ws: 0, rss: 0, n: [0, 0, 0] });
  for (const a of arrays) {
    let j = 0;
    for (const t of times) {
      while (j < a.t.length && a.t[j]! < t) j++;
      if (j === a.t.length) break;
      if (a.t[j] !== t && (j === 0 || a.t[j]! - t >= bucketMs)) continue;
      const s = sums.get(t)!;
      if (!Number.isNaN(a.cpu[j]!)) {
        s.cpu += a.cpu[j]!;
        s.n[0]++;
      }
      if (!Number.isNaN(a.ws[j]!)) {
        s.ws += a.ws[j]!;
        s.n[1]++;
      }
      if (!Number.isNaN(a.rss[j]!)) {
        s.rss += a.rss[j]!;
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
