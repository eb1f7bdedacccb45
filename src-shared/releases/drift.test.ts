import { describe, expect, it } from 'vitest';
import { diffSnapshots, driftFingerprint } from './drift';
import { fixtureSnapshot } from './fixtures';

describe('diffSnapshots', () => {
  it('finds nothing when live equals the snapshot', () => {
    expect(diffSnapshots(fixtureSnapshot(), fixtureSnapshot())).toEqual([]);
  });
  it('lists every difference', () => {
    const live = fixtureSnapshot();
    const east = live.clusters[2]!;
    east.deployments[0] = {
      ...east.deployments[0]!,
      images: ['harbor.example.com/shop/orders:2.4.0-hotfix', 'harbor.example.com/infra/log-agent:1.0'],
      replicas: 12,
      revision: '8',
      paused: true,
    };
    east.deployments.splice(1, 1); // billing gone
    live.clusters[0]!.deployments.push({
      namespace: 'shop',
      name: 'orders-canary',
      app: 'orders',
      group: 'fat',
      replicas: 1,
      images: ['x:1'],
      paused: false,
    });
    live.clusters.splice(1, 1); // uat unreachable
    live.clusters.push({ clusterId: 'dr', datacenter: 'dr', takenAt: 0, deployments: [] });
    const items = diffSnapshots(fixtureSnapshot(), live);
    expect(items.map((i) => `${i.kind} ${i.key ?? i.clusterId}`)).toEqual([
      'deployment-added fat/shop/orders-canary',
      'cluster-missing uat',
      'image-changed pro-east-1/shop/orders',
      'replicas-changed pro-east-1/shop/orders',
      'revision-changed pro-east-1/shop/orders',
      'paused-changed pro-east-1/shop/orders',
      'deployment-missing pro-east-1/shop/billing',
      'cluster-added dr',
    ]);
    expect(items[2]!.message).toBe(
      'pro-east-1/shop/orders: images changed from harbor.example.com/infra/log-agent:1.0, harbor.example.com/shop/orders:2.4.0 to harbor.example.com/infra/log-agent:1.0, harbor.example.com/shop/orders:2.4.0-hotfix.',
    );
    expect(items[3]).toMatchObject({ before: '10', after: '12' });
  });
  it('can restrict to the plan targets', () => {
    const live = fixtureSnapshot();
    live.clusters[2]!.deployments[1]!.replicas = 9; // billing: not ours
    live.clusters[3]!.deployments[0]!.revision = '9';
    const items = diffSnapshots(fixtureSnapshot(), live, { only: new Set(['pro-west-1/shop/orders']) });
    expect(items.map((i) => i.kind)).toEqual(['revision-changed']);
  });
  it('fingerprints are stable and change with the list', () => {
    const live = fixtureSnapshot();
    live.clusters[3]!.deployments[0]!.revision = '9';
    const a = diffSnapshots(fixtureSnapshot(), live);
    expect(driftFingerprint(a)).toBe(driftFingerprint([...a].reverse()));
    live.clusters[3]!.deployments[0]!.revision = '10';
    expect(driftFingerprint(diffSnapshots(fixtureSnapshot(), live))).not.toBe(driftFingerprint(a));
    expect(driftFingerprint([])).toMatch(/^0-/);
  });
});
