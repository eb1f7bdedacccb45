/**
 * What MetricsService needs from the clusters, as an interface (tests and the bench fake it), and
 * its implementation over ClusterService: connected clusters only (asking for a transport must not
 * connect a cluster nobody opened), node names from the nodes reflector, whole pod objects for
 * the pods that changed (summaries lack requests, limits and lastState).
 */
import type { Pod } from '../../src-shared/k8s/types';
import type { ClusterService } from '../clusters/cluster-service';
import type { ForensicsTransport } from './forensics';
import type { MetricsTransport } from './sources';

export type PodChange = { kind: 'reset'; pods: Pod[] } | { kind: 'change'; upserts: Pod[]; deletes: { namespace: string; name: string }[] };

export interface MetricsClusterSource {
  ids(): string[];
  transport(id: string): (MetricsTransport & ForensicsTransport) | undefined;
  nodeNames(id: string): string[];
  onPods(l: (clusterId: string, change: PodChange) => void): () => void;
  /** Use a cluster (connect it); the returned function releases it. */
  acquire(id: string): () => void;
}

export function clusterServiceSource(clusters: ClusterService): MetricsClusterSource {
  /** clusterId → pod uid → ns/name, to turn the summaries' delete uids back into names. */
  const names = new Map<string, Map<string, { namespace: string; name: string }>>();
  const full = (id: string, namespace: string, name: string) => clusters.workloads(id)?.findObject('Pod', namespace, name) as Pod | undefined;
  return {
    ids: () => clusters.ids(),
    transport: (id) => (clusters.workloads(id) ? clusters.connection(id) : undefined),
    nodeNames: (id) => (clusters.workloads(id)?.nodes.items() ?? []).map((n) => n.metadata.name ?? '').filter(Boolean),
    acquire: (id) => clusters.acquire(id),
    onPods(l) {
      return clusters.onDidChangeWorkloads((id, change) => {
        let byUid = names.get(id);
        if (!byUid) names.set(id, (byUid = new Map()));
        if (change.kind === 'reset') {
          byUid.clear();
          const pods: Pod[] = [];
          for (const s of clusters.workloads(id)?.podList() ?? []) {
            byUid.set(s.uid, { namespace: s.namespace, name: s.name });
            const p = full(id, s.namespace, s.name);
            if (p) pods.push(p);
          }
          l(id, { kind: 'reset', pods });
          return;
        }
        if (change.kind !== 'Pod') return;
        const upserts: Pod[] = [];
        for (const s of change.upserts) {
          byUid.set(s.uid, { namespace: s.namespace, name: s.name });
          const p = full(id, s.namespace, s.name);
          if (p) upserts.push(p);
        }
        const deletes = change.deletes.map((uid) => byUid.get(uid)).filter((x): x is { namespace: string; name: string } => !!x);
        for (const uid of change.deletes) byUid.delete(uid);
        l(id, { kind: 'change', upserts, deletes });
      });
    },
  };
}
