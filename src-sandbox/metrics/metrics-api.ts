/**
 * metrics.k8s.io/v1beta1 as metrics-server serves it: discovery, NodeMetrics and PodMetrics lists
 * (all namespaces or one, labelSelector), single items, usage as Quantity strings (CPU in
 * nanocores, memory in Ki, as metrics-server prints them). The memory is the working set.
 */
import { coresToQuantity } from '../../src-shared/metrics/quantity';
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { buildFilter } from '../server/query';
import { ApiError } from '../server/status';
import type { UsageContext } from './pod-usage';
import { runningContainers } from './pod-usage';

export const METRICS_GV = 'metrics.k8s.io/v1beta1';
/** Real metrics-server reports a scrape window of ~10-20 s. */
const WINDOW = '15s';
/** What a node spends outside pods (system daemons, kubelet, runtime). */
export const NODE_SYSTEM = { cores: 0.18, bytes: 1.5 * 2 ** 30 };

export const metricsGroup = {
  name: 'metrics.k8s.io',
  versions: [{ groupVersion: METRICS_GV, version: 'v1beta1' }],
  preferredVersion: { groupVersion: METRICS_GV, version: 'v1beta1' },
};

export function metricsResourceList(): Record<string, unknown> {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: METRICS_GV,
    resources: [
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ],
  };
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const memQ = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;
const meta = (o: KubeObject, nowMs: number) => ({
  name: o.metadata.name,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  creationTimestamp: iso(nowMs),
  ...(o.metadata.labels ? { labels: o.metadata.labels } : {}),
});

export function podMetrics(pod: KubeObject, nowMs: number, ctx: UsageContext): Record<string, unknown> | undefined {
  const running = runningContainers(pod, nowMs, ctx);
  if (running.length === 0) return undefined;
  return {
    metadata: meta(pod, nowMs),
    timestamp: iso(nowMs),
    window: WINDOW,
    containers: running.map((c) => ({
      name: c.name,
      usage: { cpu: coresToQuantity(c.usage.cores), memory: memQ(c.usage.workingSetBytes) },
    })),
  };
}

/** Sum of the running containers on each node, plus the node's own system usage. */
export function nodeUsage(store: ObjectStore, nowMs: number, ctx: UsageContext): Map<string, { cores: number; bytes: number }> {
  const byNode = new Map<string, { cores: number; bytes: number }>();
  for (const n of store.values('nodes')) byNode.set(n.obj.metadata.name, { ...NODE_SYSTEM });
  for (const { obj } of store.values('pods')) {
    const node = byNode.get(obj.spec?.nodeName);
    if (!node) continue;
    for (const c of runningContainers(obj, nowMs, ctx)) {
      node.cores += c.usage.cores;
      node.bytes += c.usage.workingSetBytes;
    }
  }
  return byNode;
}

function nodeMetrics(node: KubeObject, u: { cores: number; bytes: number }, nowMs: number) {
  return {
    metadata: meta(node, nowMs),
    timestamp: iso(nowMs),
    window: WINDOW,
    usage: { cpu: coresToQuantity(u.cores), memory: memQ(u.bytes) },
  };
}

/** Answers a GET under /apis/metrics.k8s.io/v1beta1; `rest` is the path after it, split. */
export function metricsResponse(store: ObjectStore, rest: string[], params: URLSearchParams, nowMs: number, ctx: UsageContext): unknown {
  const list = (kind: string, items: unknown[]) => ({ kind, apiVersion: METRICS_GV, metadata: {}, items });
  if (rest[0] === 'nodes' && rest.length <= 2) {
    const usage = nodeUsage(store, nowMs, ctx);
    if (rest[1]) {
      const node = store.get('nodes', undefined, rest[1]);
      if (!node)
        throw new ApiError(404, 'NotFound', `nodemetrics.metrics.k8s.io "${rest[1]}" not found`, {
          name: rest[1],
          group: 'metrics.k8s.io',
          kind: 'nodes',
        });
      return { kind: 'NodeMetrics', apiVersion: METRICS_GV, ...nodeMetrics(node.obj, usage.get(rest[1])!, nowMs) };
    }
    const filter = buildFilter('nodes', params);
    const items = [];
    for (const [, n] of store.list('nodes')) if (filter(n.obj)) items.push(nodeMetrics(n.obj, usage.get(n.obj.metadata.name)!, nowMs));
    return list('NodeMetricsList', items);
  }
  let ns: string | undefined;
  let r = rest;
  if (r[0] === 'namespaces' && r.length >= 3) {
    ns = r[1];
    r = r.slice(2);
  }
  if (r[0] !== 'pods' || r.length > 2) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (r[1]) {
    if (!ns) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const pod = store.get('pods', ns, r[1]);
    const m = pod && podMetrics(pod.obj, nowMs, ctx);
    if (!m)
      throw new ApiError(404, 'NotFound', `podmetrics.metrics.k8s.io "${ns}/${r[1]}" not found`, {
        name: r[1],
        group: 'metrics.k8s.io',
        kind: 'pods',
      });
    return { kind: 'PodMetrics', apiVersion: METRICS_GV, ...m };
  }
  const filter = buildFilter('pods', params);
  const items = [];
  for (const [, p] of store.list('pods', ns)) {
    if (!filter(p.obj)) continue;
    const m = podMetrics(p.obj, nowMs, ctx);
    if (m) items.push(m);
  }
  return list('PodMetricsList', items);
}
