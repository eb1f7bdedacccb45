/**
 * What MetricsService needs from the clusters, as an interface (tests and the bench fake it), and
 * its implementation over ClusterService: connected clusters only (asking for a transport must not
 * connect a cluster nobody opened), node names from the nodes reflector, whole pod objects for
 * the pods that changed (summaries lack requests, limits and lastState).
 *
 * Pods are not decoded: the workloads layer reads each pod's containers (requests, limits,
 * restarts, states) when the pod arrives and keeps them beside its summary
 * (`ClusterWorkloads.containersOf`); metrics indexes those same arrays. (Decoding every pod again
 * from the compressed store cost ~150 MB of JSON parsed per sync at 50,000 pods.) A change whose
 * summary says nothing metrics reads can have changed (same restarts, status, readiness, last
 * termination, owner: an annotation or resourceVersion bump) is not passed on.
 */
import type { Pod } from '../../src-shared/k8s/types';
import type { PodSummary } from '../../src-shared/workloads/contract';
import type { PodContainers } from '../../src-shared/workloads/pod-containers';
import type { ClusterService } from '../clusters/cluster-service';
import type { ForensicsTransport } from './forensics';
import type { MetricsTransport } from './sources';

export type PodChange =
  | { kind: 'reset'; pods: Iterable<PodContainers> }
  | { kind: 'change'; upserts: Iterable<PodContainers>; deletes: { namespace: string; name: string }[] };

export interface MetricsClusterSource {
  ids(): string[];
  transport(id: string): (MetricsTransport & ForensicsTransport) | undefined;
  nodeNames(id: string): string[];
  onPods(l: (clusterId: string, change: PodChange) => void): () => void;
  /** Use a cluster (connect it); the returned function releases it. */
  acquire(id: string): () => void;
  /** The node a pod runs on (for the few containers whose kubelet summary is read at scale). */
  nodeOf?(id: string, namespace: string, pod: string): string | undefined;
}

/** True when nothing the pod index reads can differ between two summaries of the same pod. */
export function sameForMetrics(a: PodSummary, b: PodSummary): boolean {
  return (
    a.restarts === b.restarts &&
    a.status === b.status &&
    a.phase === b.phase &&
    a.readyContainers === b.readyContainers &&
    a.totalContainers === b.totalContainers &&
    a.lastTerminationReason === b.lastTerminationReason &&
    a.lastTerminationAt === b.lastTerminationAt &&
    a.app === b.app &&
    a.deployment === b.deployment &&
    a.name === b.name &&
    a.namespace === b.namespace
  );
}

export function clusterServiceSource(clusters: ClusterService): MetricsClusterSource {
  const full = (id: string, namespace: string, name: string) =>
    clusters.workloads(id)?.findObject('Pod', namespace, name) as Pod | undefined;
  /** The pods' containers as the workloads layer keeps them (no copy, nothing decoded). */
  function* containers(id: string, summaries: Iterable<PodSummary>): Generator<PodContainers> {
    const w = clusters.workloads(id);
    if (!w) return;
    for (const s of summaries) {
      const list = w.containersOf(s.uid);
      if (list) yield { namespace: s.namespace, name: s.name, containers: list };
    }
  }
  return {
    ids: () => clusters.ids(),
    transport: (id) => (clusters.workloads(id) ? clusters.connection(id) : undefined),
    nodeNames: (id) => (clusters.workloads(id)?.nodes.items() ?? []).map((n) => n.metadata.name ?? '').filter(Boolean),
    acquire: (id) => clusters.acquire(id),
    nodeOf: (id, namespace, name) => full(id, namespace, name)?.spec?.nodeName,
    onPods(l) {
      /**
       * clusterId → pod uid → the last summary this listener indexed: turns the summaries' delete
       * uids back into names and tells which changes need the whole object. The summaries are the
       * workloads layer's own objects (no copy per pod). One map per listener: each must see every
       * change as new to it.
       */
      const seen = new Map<string, Map<string, PodSummary>>();
      return clusters.onDidChangeWorkloads((id, change) => {
        let byUid = seen.get(id);
        if (!byUid) seen.set(id, (byUid = new Map()));
        if (change.kind === 'reset') {
          byUid.clear();
          const list = clusters.workloads(id)?.podList() ?? [];
          for (const s of list) byUid.set(s.uid, s);
          l(id, { kind: 'reset', pods: containers(id, list) });
          return;
        }
        if (change.kind !== 'Pod') return;
        const changed: PodSummary[] = [];
        for (const s of change.upserts) {
          const before = byUid.get(s.uid);
          byUid.set(s.uid, s);
          if (!before || !sameForMetrics(before, s)) changed.push(s);
        }
        const deletes: { namespace: string; name: string }[] = [];
        for (const uid of change.deletes) {
          const s = byUid.get(uid);
          if (!s) continue;
          deletes.push({ namespace: s.namespace, name: s.name });
          byUid.delete(uid);
        }
        if (changed.length === 0 && deletes.length === 0) return;
        l(id, { kind: 'change', upserts: containers(id, changed), deletes });
      });
    },
  };
}
