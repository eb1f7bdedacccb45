// This test runs in Node: it needs the garbage collector to show an old array is collectable.
// eslint-disable-next-line no-restricted-imports
import { setFlagsFromString } from 'node:v8';
// eslint-disable-next-line no-restricted-imports
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { deployment, pod } from '../../../src-shared/testing/fixtures';
import { rowsDelta, searchKeyOf, WorkloadIndex } from './workload-index';

describe('WorkloadIndex', () => {
  it('takes a reset as the whole list and marks the cluster+kind synced', () => {
    const index = new WorkloadIndex();
    const changes = index.applyDiffs([
      { clusterId: 'fat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'a' }), pod({ uid: 'b' })], deletes: [] },
    ]);
    expect(changes).toEqual({ pods: true, deployments: false });
    expect(index.pods.rows().map((p) => p.uid)).toEqual(['a', 'b']);
    expect(index.syncedKinds()).toEqual({ fat: ['Pod'] });
  });

  it('a live reset replaces rows from the saved snapshot even when their version is the same', () => {
    const index = new WorkloadIndex();
    index.applyDiffs([
      {
        clusterId: 'fat',
        kind: 'Deployment',
        reset: true,
        upserts: [deployment({ uid: 'd', resourceVersion: '7', staleAsOf: 1_000 })],
        deletes: [],
      },
    ]);
    index.applyDiffs([
      { clusterId: 'fat', kind: 'Deployment', reset: true, upserts: [deployment({ uid: 'd', resourceVersion: '7' })], deletes: [] },
    ]);
    expect(index.deployments.rows().map((d) => [d.uid, d.staleAsOf])).toEqual([['d', undefined]]);
  });

  it('upserts, deletes, and replaces everything on a later reset (nothing lost or duplicated)', () => {
    const index = new WorkloadIndex();
    index.applyDiffs([{ clusterId: 'fat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'a' }), pod({ uid: 'b' })], deletes: [] }]);
    index.applyDiffs([
      {
        clusterId: 'fat',
        kind: 'Pod',
        reset: false,
        upserts: [pod({ uid: 'c' }), pod({ uid: 'a', status: 'CrashLoopBackOff', resourceVersion: '2' })],
        deletes: ['b'],
      },
    ]);
    expect(index.pods.rows().map((p) => [p.uid, p.status])).toEqual([
      ['a', 'CrashLoopBackOff'],
      ['c', 'Running'],
    ]);
    index.applyDiffs([{ clusterId: 'fat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'c' }), pod({ uid: 'd' })], deletes: [] }]);
    expect(index.pods.rows().map((p) => p.uid)).toEqual(['c', 'd']);
  });

  it('keeps array identity when nothing changed and for kinds that did not change', () => {
    const index = new WorkloadIndex();
    index.applyDiffs([
      { clusterId: 'fat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'a' })], deletes: [] },
      { clusterId: 'fat', kind: 'Deployment', reset: true, upserts: [deployment({ uid: 'd' })], deletes: [] },
    ]);
    const pods = index.pods.rows();
    const deployments = index.deployments.rows();
    // Same resourceVersion again, and a delete of an unknown uid: no change.
    const changes = index.applyDiffs([{ clusterId: 'fat', kind: 'Pod', reset: false, upserts: [pod({ uid: 'a' })], deletes: ['zzz'] }]);
    expect(changes).toEqual({ pods: false, deployments: false });
    expect(index.pods.rows()).toBe(pods);
    index.applyDiffs([{ clusterId: 'fat', kind: 'Pod', reset: false, upserts: [pod({ uid: 'a', resourceVersion: '9' })], deletes: [] }]);
    expect(index.pods.rows()).not.toBe(pods);
    expect(index.deployments.rows()).toBe(deployments);
  });

  it('keeps row objects with an unchanged resourceVersion across a relist', () => {
    const index = new WorkloadIndex();
    index.applyDiffs([{ clusterId: 'fat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'a' })], deletes: [] }]);
    const before = index.pods.rows()[0];
    index.applyDiffs([{ clusterId: 'fat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'a' })], deletes: [] }]);
    expect(index.pods.rows()[0]).toBe(before);
  });

  it('merges clusters in id order and forgets clusters that left the kubeconfig', () => {
    const index = new WorkloadIndex();
    index.applyDiffs([
      { clusterId: 'uat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'u1', clusterId: 'uat' })], deletes: [] },
      { clusterId: 'fat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'f1' })], deletes: [] },
    ]);
    expect(index.pods.rows().map((p) => p.uid)).toEqual(['f1', 'u1']);
    expect(index.retainClusters(new Set(['uat']))).toEqual({ pods: true, deployments: false });
    expect(index.pods.rows().map((p) => p.uid)).toEqual(['u1']);
  });

  it('precomputes a lowercase search key of name and images', () => {
    const index = new WorkloadIndex();
    index.applyDiffs([
      {
        clusterId: 'fat',
        kind: 'Pod',
        reset: true,
        upserts: [pod({ uid: 'a', name: 'Cart-7f', images: ['Harbor/Shop/cart:2'] })],
        deletes: [],
      },
    ]);
    expect(index.pods.rows()[0]!.searchKey).toBe('cart-7f\nharbor/shop/cart:2');
    expect(searchKeyOf({ name: 'X', images: [] })).toBe('x');
  });

  it('applies 50,000 pods and then a batch of 200 changes quickly', () => {
    const index = new WorkloadIndex();
    const clusters = ['fat', 'uat', 'pro-east', 'pro-west'];
    const t0 = performance.now();
    for (const c of clusters) {
      const upserts = Array.from({ length: 12_500 }, (_, i) => pod({ uid: `${c}-${i}`, clusterId: c }));
      index.applyDiffs([{ clusterId: c, kind: 'Pod', reset: true, upserts, deletes: [] }]);
    }
    expect(index.pods.rows()).toHaveLength(50_000);
    const changes = Array.from({ length: 200 }, (_, i) => pod({ uid: `fat-${i}`, resourceVersion: '2', status: 'Pending' }));
    index.applyDiffs([{ clusterId: 'fat', kind: 'Pod', reset: false, upserts: changes, deletes: ['fat-300'] }]);
    expect(index.pods.rows()).toHaveLength(49_999);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('a delta does not keep the array it came from alive (no chain of every array back to the last reset)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const index = new WorkloadIndex();
    index.applyDiffs([{ clusterId: 'fat', kind: 'Pod', reset: true, upserts: [pod({ uid: 'a' }), pod({ uid: 'b' })], deletes: [] }]);
    const first = new WeakRef(index.pods.rows());
    for (let i = 2; i < 5; i++) {
      index.applyDiffs([
        { clusterId: 'fat', kind: 'Pod', reset: false, upserts: [pod({ uid: 'a', resourceVersion: String(i) })], deletes: [] },
      ]);
      const rows = index.pods.rows();
      // Consumers still get the delta while they hold the array it came from.
      expect(rowsDelta(rows)?.added.map((p) => p.resourceVersion)).toEqual([String(i)]);
    }
    // WeakRef targets stay alive until the current job ends.
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(first.deref()).toBeUndefined();
    expect(index.pods.rows()).toHaveLength(2);
  });
});
