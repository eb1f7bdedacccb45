/**
 * The kubelet's Summary API (/stats/summary, reached through the apiserver's node proxy): per pod
 * and container CPU (rate and cumulative), memory (usage, working set, RSS, page faults), with
 * timestamps from the node's own clock (which may be skewed: `skewMs`).
 */
import type { ObjectStore } from '../kube/store';
import { NODE_SYSTEM } from './metrics-api';
import type { UsageContext } from './pod-usage';
import { runningContainers } from './pod-usage';

const NODE_MEMORY = 64 * 2 ** 30;

/** RFC 3339 with nanoseconds, as the kubelet writes metav1.Time in stats. */
const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');

export function kubeletSummary(
  store: ObjectStore,
  nodeName: string,
  nowMs: number,
  ctx: UsageContext,
  skewMs = 0,
): Record<string, unknown> {
  const time = stamp(nowMs + skewMs);
  const pods = [];
  let nodeCores = NODE_SYSTEM.cores;
  let nodeWs = NODE_SYSTEM.bytes;
  for (const { obj } of store.values('pods')) {
    if (obj.spec?.nodeName !== nodeName) continue;
    const running = runningContainers(obj, nowMs, ctx);
    if (running.length === 0) continue;
    let cores = 0;
    let coreNs = 0;
    let ws = 0;
    let rss = 0;
    let usage = 0;
    const containers = running.map((c) => {
      const u = c.usage;
      cores += u.cores;
      coreNs += u.coreNs;
      ws += u.workingSetBytes;
      rss += u.rssBytes;
      usage += u.usageBytes;
      return {
        name: c.name,
        startTime: stamp(c.startedAtMs + skewMs),
        cpu: { time, usageNanoCores: Math.round(u.cores * 1e9), usageCoreNanoSeconds: u.coreNs },
        memory: {
          time,
          usageBytes: u.usageBytes,
          workingSetBytes: u.workingSetBytes,
          rssBytes: u.rssBytes,
          pageFaults: u.pageFaults,
          majorPageFaults: u.majorPageFaults,
        },
        rootfs: { time, availableBytes: 80e9, capacityBytes: 100e9, usedBytes: 40960, inodesFree: 6e6, inodes: 6.5e6, inodesUsed: 12 },
        logs: { time, availableBytes: 80e9, capacityBytes: 100e9, usedBytes: 1_200_000, inodesFree: 6e6, inodes: 6.5e6, inodesUsed: 3 },
      };
    });
    nodeCores += cores;
    nodeWs += ws;
    pods.push({
      podRef: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid },
      startTime: stamp(Date.parse(obj.status.startTime ?? obj.metadata.creationTimestamp ?? new Date(nowMs).toISOString()) + skewMs),
      containers,
      cpu: { time, usageNanoCores: Math.round(cores * 1e9), usageCoreNanoSeconds: coreNs },
      memory: { time, usageBytes: usage, workingSetBytes: ws, rssBytes: rss, pageFaults: 0, majorPageFaults: 0 },
      network: { time, name: 'eth0', rxBytes: 0, rxErrors: 0, txBytes: 0, txErrors: 0 },
      volume: [],
    });
  }
  return {
    node: {
      nodeName,
      startTime: stamp(nowMs - 30 * 86_400_000 + skewMs),
      cpu: { time, usageNanoCores: Math.round(nodeCores * 1e9), usageCoreNanoSeconds: Math.round(nodeCores * 1e9 * 30 * 86_400) },
      memory: {
        time,
        availableBytes: Math.round(NODE_MEMORY - nodeWs),
        usageBytes: Math.round(nodeWs * 1.1),
        workingSetBytes: Math.round(nodeWs),
        rssBytes: Math.round(nodeWs * 0.9),
        pageFaults: 0,
        majorPageFaults: 0,
      },
      systemContainers: [],
    },
    pods,
  };
}
