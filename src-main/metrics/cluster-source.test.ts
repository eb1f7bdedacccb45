import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src-shared/k8s/types';
import type { PodSummary } from '../../src-shared/workloads/contract';
import type { ClusterService, ClusterWorkloadEvent } from '../clusters/cluster-service';
import type { PodChange } from './cluster-source';
import { clusterServiceSource } from './cluster-source';

const summary = (name: string, patch: Partial<PodSummary> = {}): PodSummary => ({
  uid: `uid-${name}`, clusterId: 'c', namespace: 'ns', name, phase: 'Running', status: 'Running', readyContainers: 1, totalContainers: 1,
  ready: true, restarts: 0, images: [], createdAt: 0, deleting: false, resourceVersion: '1', ...patch,
});

function fakeClusters(summaries: PodSummary[]) {
  const listeners: ((id: string, change: ClusterWorkloadEvent) => void)[] = [];
  const decoded: string[] = [];
  const workloads = {
    podList: () => summaries,
    findObject: (_kind: string, namespace: string, name: string): Pod => {
      decoded.push(name);
      return { metadata: { namespace, name }, spec: { containers: [{ name: 'app' }] } } as unknown as Pod;
    },
    nodes: { items: () => [] },
  };
  const clusters = {
    ids: () => ['c'], workloads: () => workloads, connection: () => undefined, acquire: () => () => {},
    onDidChangeWorkloads: (l: (typeof listeners)[number]) => (listeners.push(l), () => {}),
  } as unknown as ClusterService;
  return { clusters, decoded, fire: (change: ClusterWorkloadEvent) => listeners.forEach((l) => l('c', change)) };
}

describe('clusterServiceSource', () => {
  it('decodes pods one at a time on a reset, and only changes that can matter to metrics', () => {
    const pods = [summary('a'), summary('b')];
    const f = fakeClusters(pods);
    const seen: { kind: string; names: string[]; deletes?: string[] }[] = [];
    clusterServiceSource(f.clusters).onPods((_id, change: PodChange) => {
      const list = change.kind === 'reset' ? change.pods : change.upserts;
      const names: string[] = [];
      for (const p of list) {
        // lazily: the pod is decoded when the consumer reaches it, not before
        expect(f.decoded.at(-1)).toBe(p.metadata.name);
        names.push(p.metadata.name!);
      }
      seen.push({ kind: change.kind, names, ...(change.kind === 'change' ? { deletes: change.deletes.map((d) => d.name) } : {}) });
    });
    f.fire({ kind: 'reset' });
    expect(seen).toEqual([{ kind: 'reset', names: ['a', 'b'] }]);
    // An annotation bump (new resourceVersion, nothing else): not decoded, not delivered.
    f.fire({ kind: 'Pod', upserts: [summary('a', { resourceVersion: '2' })], deletes: [] });
    expect(seen).toHaveLength(1);
    expect(f.decoded).toEqual(['a', 'b']);
    // A restart, a new pod and a delete are.
    f.fire({ kind: 'Pod', upserts: [summary('a', { restarts: 1, lastTerminationReason: 'OOMKilled' }), summary('c')], deletes: ['uid-b'] });
    expect(seen[1]).toEqual({ kind: 'change', names: ['a', 'c'], deletes: ['b'] });
    // A delete of a pod never seen is ignored.
    f.fire({ kind: 'Pod', upserts: [], deletes: ['uid-zzz'] });
    expect(seen).toHaveLength(2);
  });

  it('gives every listener every change (no state shared between listeners)', () => {
    const f = fakeClusters([summary('a')]);
    const source = clusterServiceSource(f.clusters);
    const got: string[][] = [[], []];
    for (const i of [0, 1]) source.onPods((_id, change) => {
      for (const p of change.kind === 'reset' ? change.pods : change.upserts) got[i]!.push(p.metadata.name!);
      if (change.kind === 'change') for (const d of change.deletes) got[i]!.push(`-${d.name}`);
    });
    f.fire({ kind: 'reset' });
    f.fire({ kind: 'Pod', upserts: [summary('a', { restarts: 1 })], deletes: [] });
    f.fire({ kind: 'Pod', upserts: [], deletes: ['uid-a'] });
    expect(got).toEqual([['a', 'a', '-a'], ['a', 'a', '-a']]);
  });
});
