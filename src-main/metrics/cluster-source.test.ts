import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src-shared/k8s/types';
import { pod } from '../../src-shared/testing/fixtures';
import type { PodSummary } from '../../src-shared/workloads/contract';
import type { ContainerInfo } from '../../src-shared/workloads/pod-containers';
import type { ClusterService, ClusterWorkloadEvent } from '../clusters/cluster-service';
import type { PodChange } from './cluster-source';
import { clusterServiceSource } from './cluster-source';

const summary = (name: string, patch: Partial<PodSummary> = {}): PodSummary =>
  pod({ uid: `uid-${name}`, clusterId: 'c', namespace: 'ns', name, app: undefined, group: undefined, images: [], createdAt: 0, ...patch });

/** The containers array the workloads layer keeps for each uid (metrics must get these very arrays). */
const kept = new Map<string, ContainerInfo[]>();
const containersOf = (uid: string) => {
  if (!kept.has(uid)) kept.set(uid, [{ name: 'app', restarts: 0 }]);
  return kept.get(uid);
};

function fakeClusters(summaries: PodSummary[]) {
  const listeners: ((id: string, change: ClusterWorkloadEvent) => void)[] = [];
  const decoded: string[] = [];
  const workloads = {
    podList: () => summaries,
    containersOf,
    findObject: (_kind: string, namespace: string, name: string): Pod => {
      decoded.push(name);
      return { metadata: { namespace, name }, spec: { containers: [{ name: 'app' }] } } as unknown as Pod;
    },
    nodes: { items: () => [] },
  };
  const clusters = {
    ids: () => ['c'],
    workloads: () => workloads,
    connection: () => undefined,
    acquire: () => () => {},
    onDidChangeWorkloads: (l: (typeof listeners)[number]) => (listeners.push(l), () => {}),
  } as unknown as ClusterService;
  return { clusters, decoded, fire: (change: ClusterWorkloadEvent) => listeners.forEach((l) => l('c', change)) };
}

describe('clusterServiceSource', () => {
  it("passes the workloads layer's containers (nothing decoded) on a reset, and only changes that can matter to metrics", () => {
    const pods = [summary('a'), summary('b')];
    const f = fakeClusters(pods);
    const seen: { kind: string; names: string[]; deletes?: string[] }[] = [];
    clusterServiceSource(f.clusters).onPods((_id, change: PodChange) => {
      const list = change.kind === 'reset' ? change.pods : change.upserts;
      const names: string[] = [];
      for (const p of list) {
        expect(p.containers).toBe(kept.get(`uid-${p.name}`));
        names.push(p.name);
      }
      seen.push({ kind: change.kind, names, ...(change.kind === 'change' ? { deletes: change.deletes.map((d) => d.name) } : {}) });
    });
    f.fire({ kind: 'reset' });
    expect(seen).toEqual([{ kind: 'reset', names: ['a', 'b'] }]);
    // An annotation bump (new resourceVersion, nothing else): not delivered.
    f.fire({ kind: 'Pod', upserts: [summary('a', { resourceVersion: '2' })], deletes: [] });
    expect(seen).toHaveLength(1);
    // A restart, a new pod and a delete are.
    f.fire({ kind: 'Pod', upserts: [summary('a', { restarts: 1, lastTerminationReason: 'OOMKilled' }), summary('c')], deletes: ['uid-b'] });
    expect(seen[1]).toEqual({ kind: 'change', names: ['a', 'c'], deletes: ['b'] });
    // A delete of a pod never seen is ignored.
    f.fire({ kind: 'Pod', upserts: [], deletes: ['uid-zzz'] });
    expect(seen).toHaveLength(2);
    // No pod was decoded from the store for any of it.
    expect(f.decoded).toEqual([]);
  });

  it('gives every listener every change (no state shared between listeners)', () => {
    const f = fakeClusters([summary('a')]);
    const source = clusterServiceSource(f.clusters);
    const got: string[][] = [[], []];
    for (const i of [0, 1])
      source.onPods((_id, change) => {
        for (const p of change.kind === 'reset' ? change.pods : change.upserts) got[i]!.push(p.name);
        if (change.kind === 'change') for (const d of change.deletes) got[i]!.push(`-${d.name}`);
      });
    f.fire({ kind: 'reset' });
    f.fire({ kind: 'Pod', upserts: [summary('a', { restarts: 1 })], deletes: [] });
    f.fire({ kind: 'Pod', upserts: [], deletes: ['uid-a'] });
    expect(got).toEqual([
      ['a', 'a', '-a'],
      ['a', 'a', '-a'],
    ]);
  });
});
