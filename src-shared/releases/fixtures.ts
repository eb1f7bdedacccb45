/** Test fixtures shared by the releases tests: a four-datacenter snapshot and the sample plan's shape. */
import { applyEvent } from './execution';
import type { ExecutionEvent, ExecutionState } from './execution-model';
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
      {
        clusterId: 'pro-east-1',
        datacenter: 'pro-east',
        takenAt: T0,
        deployments: [
          dep('orders', 'pro', 10),
          dep('billing', 'pro', 4, { app: 'billing', images: ['harbor.example.com/shop/billing:1.0'] }),
        ],
      },
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
    gates: {
      approval: { beforeStage: true, afterFort: true },
      soak: { afterFort: '10m', afterBatch: '2m' },
      health: { readyWithin: '5m' },
      bake: '0s',
    },
    stages: [
      { name: 'fat', approval: false, groups: [{ group: 'fat', minOnline: 1 }] },
      { name: 'uat', groups: [{ group: 'uat', minOnline: 1 }] },
      {
        name: 'pro',
        groups: [
          { group: 'pro', datacenter: 'pro-east' },
          { group: 'pro', datacenter: 'pro-west' },
        ],
      },
    ],
    ...overrides,
  };
}

export const FAT_KEY = 'fat/shop/orders-fat';
type EventInput = ExecutionEvent extends infer E ? (E extends ExecutionEvent ? Omit<E, 'at' | 'actor'> : never) : never;

/** Start, then FAT's two batches (1 + 1 of the fixture plan) through their gates: FAT succeeded. */
export const fatDoneEvents = (key = FAT_KEY): EventInput[] => [
  { type: 'start' },
  { type: 'batchDone', group: key, batch: 0 },
  { type: 'gatePassed', group: key, gate: 'health' },
  { type: 'bakeElapsed', group: key },
  { type: 'batchDone', group: key, batch: 1 },
  { type: 'gatePassed', group: key, gate: 'health' },
];

/** Apply events in order (clock from `at`, one ms apart); throws on a refused event. */
export function replay(s: ExecutionState, events: readonly EventInput[], at = 1000, actor = 'capstan'): ExecutionState {
  for (const e of events) {
    const r = applyEvent(s, { ...e, at: at++, actor } as ExecutionEvent);
    if (!r.ok) throw new Error(r.error.message);
    s = r.value;
  }
  return s;
}
