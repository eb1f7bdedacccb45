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
  // Upstream's creation times; only their order matters (it breaks ties between equal sizes). The
  // new ReplicaSet takes the first, the old ones (listed newest first) the next ones in turn.
  const created = ['2016-05-20T02:00:00Z', '2016-05-20T01:00:00Z', '2016-05-20T00:00:00Z'];
  type Options = { maxSurge?: number; oldMaxSurge?: number; maxUnavailable?: number; desiredAnnotations?: Record<string, number> };
  /** ReplicaSets are written `name replicas`, or `name replicas/available` where fewer are available. */
  type Row = [
    name: string,
    replicas: number,
    oldReplicas: number,
    newRs: string | undefined,
    oldRss: string[],
    expectedNew: number | undefined,
    expectedOld: number[],
    options?: Options,
  ];
  const cases: Row[] = [
    ['normal scaling event: 10 -> 12', 12, 10, 'foo-v1 10', [], 12, []],
    ['normal scaling event: 10 -> 5', 5, 10, 'foo-v1 10', [], 5, []],
    ['proportional scaling: 5 -> 10', 10, 5, 'foo-v2 2', ['foo-v1 3'], 4, [6]],
    ['proportional scaling: 5 -> 3', 3, 5, 'foo-v2 2', ['foo-v1 3'], 1, [2]],
    ['proportional scaling: 9 -> 4', 4, 9, 'foo-v2 8', ['foo-v1 1'], 4, [0]],
    ['proportional scaling: 7 -> 10', 10, 7, 'foo-v3 2', ['foo-v2 3', 'foo-v1 2'], 3, [4, 3]],
    ['proportional scaling: 13 -> 8', 8, 13, 'foo-v3 2', ['foo-v2 8', 'foo-v1 3'], 1, [5, 2]],
    ['leftover distribution: 3 -> 4', 4, 3, 'foo-v3 1', ['foo-v2 1', 'foo-v1 1'], 2, [1, 1]],
    ['leftover distribution: 3 -> 2', 2, 3, 'foo-v3 1', ['foo-v2 1', 'foo-v1 1'], 1, [1, 0]],
    ['proportional scaling (no new rs): 4 -> 5', 5, 4, undefined, ['foo-v2 2', 'foo-v1 2'], undefined, [3, 2]],
    ['proportional scaling: 6 -> 0', 0, 6, 'foo-v3 3', ['foo-v2 2', 'foo-v1 1'], 0, [0, 0]],
    ['proportional scaling: 0 -> 6', 6, 6, 'foo-v3 0', ['foo-v2 0', 'foo-v1 0'], 6, [0, 0]],
    ['failed rs update', 5, 5, 'foo-v3 2', ['foo-v2 1', 'foo-v1 1'], 2, [2, 1], { desiredAnnotations: { 'foo-v2': 3 } }],
    ['deployment with surge pods', 20, 10, 'foo-v2 6', ['foo-v1 6'], 11, [11], { maxSurge: 2, oldMaxSurge: 2 }],
    ['change both surge and size', 50, 10, 'foo-v2 5', ['foo-v1 8'], 22, [34], { maxSurge: 6, oldMaxSurge: 3 }],
    ['change both size and template', 14, 10, undefined, ['foo-v2 7', 'foo-v1 3'], undefined, [10, 4]],
    [
      'saturated but broken new replica set does not affect old pods',
      2,
      2,
      'foo-v2 2/0',
      ['foo-v1 1'],
      2,
      [1],
      { maxSurge: 1, oldMaxSurge: 1, maxUnavailable: 1 },
    ],
  ];
  it.each(cases)('%s', (_name, replicas, oldReplicas, newSpec, oldSpecs, expectedNew, expectedOld, o: Options = {}) => {
    const annotate = (name: string) => {
      const desired = o.desiredAnnotations?.[name] ?? oldReplicas;
      const { maxSurge } = surgeAndUnavailable(desired, { maxSurge: o.oldMaxSurge ?? 0, maxUnavailable: o.maxUnavailable ?? 0 });
      return { desired, maxReplicas: desired + maxSurge };
    };
    // Availability only matters for saturation (the broken case has none); the others count all as available.
    const [newRs, ...oldRss] = [newSpec, ...oldSpecs].map((spec, i) => {
      if (spec === undefined) return undefined;
      const [name, counts] = spec.split(' ') as [string, string];
      const [replicas, available = replicas] = counts.split('/').map(Number) as [number, number?];
      return rs(name, replicas, available, created[i], annotate(name));
    });
    const olds = oldRss as RsView[];
    const { maxSurge } = surgeAndUnavailable(replicas, { maxSurge: o.maxSurge ?? 0, maxUnavailable: o.maxUnavailable ?? 0 });
    const sizes = scaleSizes(replicas, maxSurge, true, newRs, olds, 0);
    if (newRs) expect(sizes.get(newRs.name) ?? newRs.replicas).toBe(expectedNew);
    expect(olds.map((r) => sizes.get(r.name) ?? r.replicas)).toEqual(expectedOld);
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
