/**
 * The Deployment controller's arithmetic against upstream's own test vectors: the cases of
 * kubernetes/kubernetes pkg/controller/deployment/rolling_test.go (reconcileNewReplicaSet,
 * reconcileOldReplicaSets, cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate) and
 * sync_test.go (TestScale), written down here as data. Upstream's test helper newDeployment
 * defaults maxSurge and maxUnavailable to 0 (so the fenceposts force maxUnavailable to 1), and
 * TestScale annotates every ReplicaSet with the old Deployment's desired and max replicas.
 */
import { describe, expect, it } from 'vitest';
import {
  cleanupUnhealthy,
  newReplicaSetReplicas,
  reconcileNewTarget,
  reconcileOld,
  scaleDownForRollingUpdate,
  scaleSizes,
  surgeAndUnavailable,
  surgeToGrowTo,
  type RsView,
} from './rolling-update';

const rs = (name: string, replicas: number, available = 0, creationTimestamp = '', extra: Partial<RsView> = {}): RsView => ({
  name,
  replicas,
  available,
  creationTimestamp,
  ...extra,
});

describe('fenceposts', () => {
  it('rounds surge up and unavailable down; both zero means one unavailable; capped at replicas', () => {
    expect(surgeAndUnavailable(10, { maxSurge: '25%', maxUnavailable: '25%' })).toEqual({ maxSurge: 3, maxUnavailable: 2 });
    expect(surgeAndUnavailable(1, undefined)).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(surgeAndUnavailable(4, { maxSurge: 0, maxUnavailable: 0 })).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(surgeAndUnavailable(8, { maxSurge: 2, maxUnavailable: '10%' })).toEqual({ maxSurge: 2, maxUnavailable: 0 });
    expect(surgeAndUnavailable(3, { maxSurge: 0, maxUnavailable: 5 })).toEqual({ maxSurge: 0, maxUnavailable: 3 });
    expect(surgeAndUnavailable(0, { maxSurge: 1, maxUnavailable: 1 })).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });
});

describe('rolling_test.go: reconcileNewReplicaSet (maxUnavailable 0)', () => {
  const cases = [
    { replicas: 10, maxSurge: 0, old: 10, new: 0, expected: undefined },
    { replicas: 10, maxSurge: 2, old: 10, new: 0, expected: 2 },
    { replicas: 10, maxSurge: 2, old: 5, new: 0, expected: 7 },
    { replicas: 10, maxSurge: 2, old: 10, new: 2, expected: undefined },
    { replicas: 10, maxSurge: 2, old: 2, new: 11, expected: 10 },
  ];
  it.each(cases)('$replicas replicas, surge $maxSurge, old $old, new $new → $expected', (c) => {
    const { maxSurge } = surgeAndUnavailable(c.replicas, { maxSurge: c.maxSurge, maxUnavailable: 0 });
    const newRs = rs('foo-v2', c.new);
    expect(reconcileNewTarget(c.replicas, maxSurge, [newRs, rs('foo-v1', c.old)], newRs)).toBe(c.expected);
  });
});

describe('rolling_test.go: reconcileOldReplicaSets (maxSurge 0)', () => {
  const cases = [
    { replicas: 10, maxUnavailable: 0, old: 10, new: 0, readyOld: 10, readyNew: 0, expected: 9 },
    { replicas: 10, maxUnavailable: 2, old: 10, new: 0, readyOld: 10, readyNew: 0, expected: 8 },
    { replicas: 10, maxUnavailable: 2, old: 10, new: 0, readyOld: 8, readyNew: 0, expected: 8 },
    { replicas: 10, maxUnavailable: 2, old: 10, new: 0, readyOld: 9, readyNew: 0, expected: 8 },
    { replicas: 10, maxUnavailable: 2, old: 8, new: 2, readyOld: 8, readyNew: 0, expected: undefined },
  ];
  it.each(cases)('old $old ($readyOld ready), new $new ($readyNew ready), maxUnavailable $maxUnavailable → $expected', (c) => {
    const { maxUnavailable } = surgeAndUnavailable(c.replicas, { maxSurge: 0, maxUnavailable: c.maxUnavailable });
    const sizes = reconcileOld(c.replicas, maxUnavailable, [rs('foo-old', c.old, c.readyOld)], rs('foo-new', c.new, c.readyNew));
    expect(sizes.get('foo-old')).toBe(c.expected);
  });
});

describe('rolling_test.go: cleanupUnhealthyReplicas', () => {
  const cases = [
    { old: 10, ready: 8, maxCleanup: 1, expected: 1 },
    { old: 10, ready: 8, maxCleanup: 3, expected: 2 },
    { old: 10, ready: 8, maxCleanup: 0, expected: 0 },
    { old: 10, ready: 10, maxCleanup: 3, expected: 0 },
  ];
  it.each(cases)('old $old with $ready ready, at most $maxCleanup → $expected', (c) => {
    expect(cleanupUnhealthy([rs('foo-v2', c.old, c.ready)], c.maxCleanup).cleaned).toBe(c.expected);
  });
});

describe('rolling_test.go: scaleDownOldReplicaSetsForRollingUpdate (maxSurge 0)', () => {
  const cases = [
    { replicas: 10, maxUnavailable: 0, ready: 10, old: 10, expected: 9 },
    { replicas: 10, maxUnavailable: 2, ready: 10, old: 10, expected: 8 },
    { replicas: 10, maxUnavailable: 2, ready: 8, old: 10, expected: undefined },
    { replicas: 10, maxUnavailable: 2, ready: 10, old: 0, expected: undefined },
    { replicas: 10, maxUnavailable: 2, ready: 1, old: 10, expected: undefined },
  ];
  it.each(cases)('old $old with $ready ready, maxUnavailable $maxUnavailable → $expected', (c) => {
    const { maxUnavailable } = surgeAndUnavailable(c.replicas, { maxSurge: 0, maxUnavailable: c.maxUnavailable });
    const old = rs('foo-v2', c.old, c.ready);
    expect(scaleDownForRollingUpdate(c.replicas, maxUnavailable, [old], [old]).sizes.get('foo-v2')).toBe(c.expected);
  });
});

describe('sync_test.go: TestScale (proportional scaling, paused Deployments and scaling events)', () => {
  const newer = '2016-05-20T02:00:00Z';
  const old = '2016-05-20T01:00:00Z';
  const older = '2016-05-20T00:00:00Z';
  type Case = {
    name: string;
    replicas: number;
    oldReplicas: number;
    maxSurge?: number;
    oldMaxSurge?: number;
    maxUnavailable?: number;
    newRs?: [string, number, string, number?];
    oldRss: [string, number, string][];
    expectedNew?: number;
    expectedOld: number[];
    desiredAnnotations?: Record<string, number>;
  };
  const cases: Case[] = [
    {
      name: 'normal scaling event: 10 -> 12',
      replicas: 12,
      oldReplicas: 10,
      newRs: ['foo-v1', 10, newer],
      oldRss: [],
      expectedNew: 12,
      expectedOld: [],
    },
    {
      name: 'normal scaling event: 10 -> 5',
      replicas: 5,
      oldReplicas: 10,
      newRs: ['foo-v1', 10, newer],
      oldRss: [],
      expectedNew: 5,
      expectedOld: [],
    },
    {
      name: 'proportional scaling: 5 -> 10',
      replicas: 10,
      oldReplicas: 5,
      newRs: ['foo-v2', 2, newer],
      oldRss: [['foo-v1', 3, old]],
      expectedNew: 4,
      expectedOld: [6],
    },
    {
      name: 'proportional scaling: 5 -> 3',
      replicas: 3,
      oldReplicas: 5,
      newRs: ['foo-v2', 2, newer],
      oldRss: [['foo-v1', 3, old]],
      expectedNew: 1,
      expectedOld: [2],
    },
    {
      name: 'proportional scaling: 9 -> 4',
      replicas: 4,
      oldReplicas: 9,
      newRs: ['foo-v2', 8, newer],
      oldRss: [['foo-v1', 1, old]],
      expectedNew: 4,
      expectedOld: [0],
    },
    {
      name: 'proportional scaling: 7 -> 10',
      replicas: 10,
      oldReplicas: 7,
      newRs: ['foo-v3', 2, newer],
      oldRss: [
        ['foo-v2', 3, old],
        ['foo-v1', 2, older],
      ],
      expectedNew: 3,
      expectedOld: [4, 3],
    },
    {
      name: 'proportional scaling: 13 -> 8',
      replicas: 8,
      oldReplicas: 13,
      newRs: ['foo-v3', 2, newer],
      oldRss: [
        ['foo-v2', 8, old],
        ['foo-v1', 3, older],
      ],
      expectedNew: 1,
      expectedOld: [5, 2],
    },
    {
      name: 'leftover distribution: 3 -> 4',
      replicas: 4,
      oldReplicas: 3,
      newRs: ['foo-v3', 1, newer],
      oldRss: [
        ['foo-v2', 1, old],
        ['foo-v1', 1, older],
      ],
      expectedNew: 2,
      expectedOld: [1, 1],
    },
    {
      name: 'leftover distribution: 3 -> 2',
      replicas: 2,
      oldReplicas: 3,
      newRs: ['foo-v3', 1, newer],
      oldRss: [
        ['foo-v2', 1, old],
        ['foo-v1', 1, older],
      ],
      expectedNew: 1,
      expectedOld: [1, 0],
    },
    {
      name: 'proportional scaling (no new rs): 4 -> 5',
      replicas: 5,
      oldReplicas: 4,
      oldRss: [
        ['foo-v2', 2, old],
        ['foo-v1', 2, older],
      ],
      expectedOld: [3, 2],
    },
    {
      name: 'proportional scaling: 6 -> 0',
      replicas: 0,
      oldReplicas: 6,
      newRs: ['foo-v3', 3, newer],
      oldRss: [
        ['foo-v2', 2, old],
        ['foo-v1', 1, older],
      ],
      expectedNew: 0,
      expectedOld: [0, 0],
    },
    {
      name: 'proportional scaling: 0 -> 6',
      replicas: 6,
      oldReplicas: 6,
      newRs: ['foo-v3', 0, newer],
      oldRss: [
        ['foo-v2', 0, old],
        ['foo-v1', 0, older],
      ],
      expectedNew: 6,
      expectedOld: [0, 0],
    },
    // Upstream simulates foo-v2's write failing; the arithmetic is what we check: v2 takes the one added pod.
    {
      name: 'failed rs update',
      replicas: 5,
      oldReplicas: 5,
      newRs: ['foo-v3', 2, newer],
      oldRss: [
        ['foo-v2', 1, old],
        ['foo-v1', 1, older],
      ],
      expectedNew: 2,
      expectedOld: [2, 1],
      desiredAnnotations: { 'foo-v2': 3 },
    },
    {
      name: 'deployment with surge pods',
      replicas: 20,
      oldReplicas: 10,
      maxSurge: 2,
      oldMaxSurge: 2,
      newRs: ['foo-v2', 6, newer],
      oldRss: [['foo-v1', 6, old]],
      expectedNew: 11,
      expectedOld: [11],
    },
    {
      name: 'change both surge and size',
      replicas: 50,
      oldReplicas: 10,
      maxSurge: 6,
      oldMaxSurge: 3,
      newRs: ['foo-v2', 5, newer],
      oldRss: [['foo-v1', 8, old]],
      expectedNew: 22,
      expectedOld: [34],
    },
    // The template changed too: no new ReplicaSet yet, the two old ones share the growth.
    {
      name: 'change both size and template',
      replicas: 14,
      oldReplicas: 10,
      oldRss: [
        ['foo-v2', 7, newer],
        ['foo-v1', 3, old],
      ],
      expectedOld: [10, 4],
    },
    {
      name: 'saturated but broken new replica set does not affect old pods',
      replicas: 2,
      oldReplicas: 2,
      maxSurge: 1,
      oldMaxSurge: 1,
      maxUnavailable: 1,
      newRs: ['foo-v2', 2, newer, 0],
      oldRss: [['foo-v1', 1, old]],
      expectedNew: 2,
      expectedOld: [1],
    },
  ];
  it.each(cases)('$name', (c) => {
    const annotate = (name: string) => {
      const desired = c.desiredAnnotations?.[name] ?? c.oldReplicas;
      const { maxSurge } = surgeAndUnavailable(desired, { maxSurge: c.oldMaxSurge ?? 0, maxUnavailable: c.maxUnavailable ?? 0 });
      return { desired, maxReplicas: desired + maxSurge };
    };
    // Availability only matters for saturation (the broken case has none); the others count all as available.
    const newRs = c.newRs && rs(c.newRs[0], c.newRs[1], c.newRs[3] ?? c.newRs[1], c.newRs[2], annotate(c.newRs[0]));
    const oldRss = c.oldRss.map(([n, r, t]) => rs(n, r, r, t, annotate(n)));
    const { maxSurge } = surgeAndUnavailable(c.replicas, { maxSurge: c.maxSurge ?? 0, maxUnavailable: c.maxUnavailable ?? 0 });
    const sizes = scaleSizes(c.replicas, maxSurge, true, newRs, oldRss, 0);
    if (newRs) expect(sizes.get(newRs.name) ?? newRs.replicas).toBe(c.expectedNew);
    expect(oldRss.map((r) => sizes.get(r.name) ?? r.replicas)).toEqual(c.expectedOld);
  });
});

describe('newReplicaSetReplicas', () => {
  it('grows the new ReplicaSet only up to replicas + maxSurge pods in all', () => {
    expect(newReplicaSetReplicas(10, 3, [rs('old', 10, 10), rs('new', 0)], rs('new', 0))).toBe(3);
    expect(newReplicaSetReplicas(10, 3, [rs('old', 10, 10), rs('new', 3)], rs('new', 3))).toBe(3);
  });
});

describe('surgeToGrowTo (how the release executor steers the controller)', () => {
  it('makes the controller grow the new ReplicaSet to exactly the target, and no further', () => {
    for (const [replicas, old, target] of [
      [10, 10, 1],
      [10, 10, 4],
      [10, 7, 6],
      [3, 3, 3],
      [1, 1, 1],
    ] as const) {
      const maxSurge = surgeToGrowTo(replicas, old, target);
      let next = rs('new', 0);
      for (let i = 0; i < 5; i++) next = rs('new', newReplicaSetReplicas(replicas, maxSurge, [rs('old', old), next], next));
      expect(next.replicas, `${replicas} replicas, ${old} old, target ${target}`).toBe(target);
    }
  });
});
