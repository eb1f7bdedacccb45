import { describe, expect, it } from 'vitest';
import { err, ok } from '../../src-shared/result';
import { TEAM_NAMESPACE } from './execution-lease';
import { PermissionChecker, refusal, releaseNeeds, type PermissionNeed } from './permission-check';

const targets = [
  { clusterId: 'east', namespace: 'shop' },
  { clusterId: 'east', namespace: 'shop' },
  { clusterId: 'west', namespace: 'shop' },
];
const k = (n: PermissionNeed) => `${n.verb} ${n.group ? `${n.resource}.${n.group}` : n.resource} ${n.namespace}`;

describe('releaseNeeds', () => {
  it('asks exactly what the executor does, once per cluster and namespace, plus the state objects in the home cluster', () => {
    const needs = releaseNeeds(targets);
    const east = needs.get('east')!.map(k);
    expect(
      needs
        .get('west')!
        .map(k)
        .filter((x) => x.endsWith(TEAM_NAMESPACE)),
    ).toEqual([]);
    expect(
      releaseNeeds(targets, null)
        .get('east')!
        .map(k)
        .filter((x) => x.endsWith(TEAM_NAMESPACE)),
    ).toEqual([]);
    expect(east).toEqual(
      expect.arrayContaining([
        'get deployments.apps shop',
        'patch deployments.apps shop',
        'patch replicasets.apps shop',
        'list pods shop',
        'create events shop',
        `update leases.coordination.k8s.io ${TEAM_NAMESPACE}`,
        `create configmaps ${TEAM_NAMESPACE}`,
      ]),
    );
    // Old pods go by scaling their ReplicaSet down: no pod delete, no Deployment update (patches only).
    expect(east).not.toContain('delete pods shop');
    expect(east).not.toContain('update deployments.apps shop');
    expect(new Set(east).size).toBe(east.length);
  });
});

describe('PermissionChecker', () => {
  it('names each missing permission with its cluster and namespace, and a Role granting exactly that', async () => {
    let asked = 0;
    const c = new PermissionChecker(
      async (clusterId, n) => (asked++, ok({ allowed: !(clusterId === 'east' && n.verb === 'patch' && n.resource === 'deployments') })),
      async () => 'alice@example.com',
    );
    const p = await c.check(targets);
    expect(p.missing).toEqual([
      {
        clusterId: 'east',
        namespace: 'shop',
        verb: 'patch',
        group: 'apps',
        resource: 'deployments',
        why: 'moves each Deployment batch by batch',
      },
    ]);
    expect(p.snippets[0]!.yaml).toContain('name: "alice@example.com"');
    expect(p.snippets[0]!.yaml).toMatch(/apiGroups: \["apps"\]\n {4}resources: \[deployments\]\n {4}verbs: \[patch\]/);
    expect(refusal(p, 'The release was')).toMatch(
      /^The release was refused before anything was written: Missing permission in cluster east: patch deployments\.apps in namespace shop/,
    );
    // The planner asks again as the person types: answered from the cache.
    const before = asked;
    await c.check(targets);
    expect(asked).toBe(before);
    // A start asks again.
    await c.check(targets, true);
    expect(asked).toBe(before * 2);
  });

  it('a cluster that cannot be asked is "cannot tell": a warning in the planner, a refusal at start', async () => {
    const c = new PermissionChecker(
      async (clusterId) => (clusterId === 'west' ? err('cluster-unreachable', 'connection refused') : ok({ allowed: true })),
      async () => undefined,
      { reachable: (id) => id !== 'gone' },
    );
    const p = await c.check([...targets, { clusterId: 'gone', namespace: 'x' }]);
    expect(p.missing).toEqual([]);
    expect(p.unknown.map((u) => u.clusterId).sort()).toEqual(['gone', 'west']);
    expect(refusal(p, 'Starting r1 was')).toContain('Cannot check permissions in cluster west: connection refused');
  });

  it('a slow cluster does not hold the planner: pending after the budget, the answer kept for the next check', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const c = new PermissionChecker(
      async () => (await gate, ok({ allowed: true })),
      async () => undefined,
      { budgetMs: 20 },
    );
    const p = await c.check(targets.slice(0, 1));
    expect(p.pending).toBe(true);
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect((await c.check(targets.slice(0, 1))).pending).toBe(false);
  });
});
