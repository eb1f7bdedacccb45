/** Test fixtures shared by the releases tests: a four-datacenter snapshot and the sample plan's shape. */
import type { ReleasePlan } from './plan';
import type { Snapshot, SnapshotDeployment } from './snapshot';

const REPO = 'harbor.example.com/shop/orders';
const dep = (name: string, group: string, replicas: number, extra: Partial<SnapshotDeployment> = {}): SnapshotDeployment => ({
  namespace: 'shop',
  name,
  app: 'orders',
  group,
  replicas,
  images: [`${REPO}:2.4.0`, 'harbor.example.com/infra/log-agent:1.0'],
  revision: '7',
  paused: false,
  resourceVersion: '100',
  ...extra,
});

export const T0 = Date.parse('2026-11-26T20:00:00Z');

export function fixtureSnapshot(): Snapshot {
  return {
    clusters: [
      { clusterId: 'fat', datacenter: 'fat', takenAt: T0, deployments: [dep('orders-fat', 'fat', 2)] },
      { clusterId: 'uat', datacenter: 'uat', takenAt: T0, deployments: [dep('orders-uat', 'uat', 2)] },
      { clusterId: 'pro-east-1', datacenter: 'pro-east', takenAt: T0, deployments: [dep('orders', 'pro', 10), dep('billing', 'pro', 4, { app: 'billing', images: ['harbor.example.com/shop/billing:1.0'] })] },
      { clusterId: 'pro-west-1', datacenter: 'pro-west', takenAt: T0, deployments: [dep('orders', 'pro', 10)] },
    ],
  };
}

export function fixturePlan(overrides: Partial<ReleasePlan> = {}): ReleasePlan {
  return {
    name: 'orders-2.4.1',
    app: 'orders',
    image: { repository: REPO, tag: '2.4.1' },
    snapshotDate: '2026-11-26T20:00:00Z',
    createdAt: '2026-11-26T21:00:00Z',
    maxParallelGroups: 2,
    rollback: 'manual',
    defaults: { batchPattern: '25%', minOnline: '70%' },
    gates: { approval: { beforeStage: true, afterFort: true }, soak: { afterFort: '10m', afterBatch: '2m' }, health: { readyWithin: '5m' }, bake: '0s' },
    stages: [
      { name: 'fat', approval: false, groups: [{ group: 'fat', minOnline: 1 }] },
      { name: 'uat', groups: [{ group: 'uat', minOnline: 1 }] },
      { name: 'pro', groups: [{ group: 'pro', datacenter: 'pro-east' }, { group: 'pro', datacenter: 'pro-west' }] },
    ],
    ...overrides,
  };
}
