import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src-shared/k8s/types';
import { aggregate } from './aggregate';
import { MetricsHistory } from './history';
import { deploymentOf, PodIndex } from './pod-index';

const pod = (name: string, containers: string[], limit?: string): Pod =>
  ({
    metadata: {
      namespace: 'shop',
      name,
      labels: { 'pod-template-hash': 'abc12' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'orders-pro-abc12', uid: 'u', controller: true }],
    },
    spec: {
      containers: containers.map((c) => ({
        name: c,
        image: 'x',
        resources: { requests: { memory: '100Mi' }, ...(limit ? { limits: { memory: limit } } : {}) },
      })),
    },
    status: { containerStatuses: containers.map((c) => ({ name: c, restartCount: 1 })) },
  }) as unknown as Pod;

describe('aggregate', () => {
  it('sums the containers of a pod and of a Deployment per round; a limit only when all have one', () => {
    const idx = new PodIndex();
    idx.update(pod('orders-pro-abc12-x', ['app', 'sidecar'], '1Gi'), 0);
    idx.update(pod('orders-pro-abc12-y', ['app']), 0);
    expect(deploymentOf(pod('p', ['a']))).toBe('orders-pro');
    const h = new MetricsHistory(10, () => 10_000);
    const r = (p: string, container: string, ws: number, rss = Number.NaN) => ({ namespace: 'shop', pod: p, container, cpu: 0.1, ws, rss });
    for (const t of [10_000, 20_000]) {
      h.record('c', t, r('orders-pro-abc12-x', 'app', 100, 90), 'kubelet-summary');
      h.record('c', t, r('orders-pro-abc12-x', 'sidecar', 10), 'kubelet-summary');
      h.record('c', t, r('orders-pro-abc12-y', 'app', 200, 180), 'kubelet-summary');
    }
    const info = (x: { ref: { namespace: string; pod: string; container: string } }) =>
      idx.get(x.ref.namespace, x.ref.pod, x.ref.container);
    const p = aggregate(h.values(), { clusterId: 'c', namespace: 'shop', scope: 'pod', name: 'orders-pro-abc12-x' }, info);
    expect(p).toMatchObject({
      containers: 2,
      t: [10_000, 20_000],
      workingSet: [110, 110],
      rss: [90, 90],
      memoryLimit: 2 * 2 ** 30,
      memoryRequest: 200 * 2 ** 20,
      restarts: 2,
    });
    expect(p.cpu[0]).toBeCloseTo(0.2, 6);
    const d = aggregate(h.values(), { clusterId: 'c', namespace: 'shop', scope: 'deployment', name: 'orders-pro' }, info);
    expect(d).toMatchObject({ containers: 3, workingSet: [310, 310], rss: [270, 270], restarts: 3 });
    expect(d.memoryLimit).toBeUndefined(); // the second pod has no limit
  });
});
