import { describe, expect, it } from 'vitest';
import { ObjectStore } from './store';

describe('ObjectStore watch windows', () => {
  it("keep each resource's recent changes apart, as the watch cache does: lease churn does not expire a pod watch", () => {
    const store = new ObjectStore(10, 1000);
    const pod = store.create(
      'pods',
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: {} },
      '2026-01-01T00:00:00Z',
    );
    const podRv = Number(pod.obj.metadata.resourceVersion);
    const lease = store.create(
      'leases',
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: {} },
      '2026-01-01T00:00:00Z',
    );
    const leaseRv = Number(lease.obj.metadata.resourceVersion);
    for (let i = 0; i < 30; i++) {
      const l = store.clone('leases', 'kube-node-lease', 'n1')!;
      l.spec.renewTime = String(i);
      store.update('leases', l);
    }
    expect(store.eventsSince(podRv - 1, 'pods')!.map((e) => e.object.obj.metadata.name)).toEqual(['p']);
    expect(store.eventsSince(podRv, 'pods')).toEqual([]);
    expect(store.eventsSince(leaseRv, 'leases')).toBeUndefined();
    expect(store.oldestResumableRv('leases')).toBeGreaterThan(leaseRv);
    expect(store.oldestResumableRv('pods')).toBe(1000);
    // Without a resource: every resource's retained events, in resourceVersion order.
    const all = store.eventsSince(store.oldestResumableRv())!;
    expect(all.map((e) => e.rv)).toEqual([...all.map((e) => e.rv)].sort((a, b) => a - b));
  });
});
