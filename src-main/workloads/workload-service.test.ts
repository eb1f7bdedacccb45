import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src-shared/k8s/types';
import type { WorkloadDiff } from '../../src-shared/workloads/contract';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { FakeKube, pod, until } from '../testing/fake-kube';
import { WorkloadService, type WorkloadServiceOptions } from './workload-service';
import { staleDeploymentsOf } from '../../src-shared/releases/snapshot';

const PODS = '/api/v1/pods';
const DEPS = '/apis/apps/v1/deployments';
const RSS = '/apis/apps/v1/replicasets';
const NODES = '/api/v1/nodes';

let kube: FakeKube;
let deadPort: number;

const deployment = (name: string, replicas = 2): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      namespace: 'shop',
      name,
      uid: `dep-${name}`,
      generation: 1,
      labels: { 'app.kubernetes.io/name': name, 'capstan.io/group': 'pro' },
      managedFields: [{ manager: 'kubectl' }],
    },
    spec: { replicas, template: { spec: { containers: [{ name: 'main', image: `${name}:1` }] } } },
    status: { observedGeneration: 1, replicas, updatedReplicas: replicas, availableReplicas: replicas, readyReplicas: replicas },
  }) as KubeObject;

const ownedPod = (name: string, rs: string, extra: Record<string, unknown> = {}) => {
  const p = pod('shop', name, extra);
  p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `rs-${rs}`, controller: true }];
  return p;
};

beforeAll(async () => {
  kube = await new FakeKube().start();
  kube.upsert(NODES, { metadata: { name: 'node-1' } });
  kube.upsert(DEPS, deployment('cart'));
  kube.upsert(RSS, {
    metadata: {
      namespace: 'shop',
      name: 'cart-abc',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', uid: 'dep-cart', controller: true }],
    },
  });
  kube.upsert(PODS, ownedPod('cart-abc-1', 'cart-abc'));
  kube.upsert(
    PODS,
    ownedPod('cart-abc-2', 'cart-abc', {
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'main',
            ready: false,
            restartCount: 3,
            image: 'x',
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
          },
        ],
      },
    }),
  );
  deadPort = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
});
afterAll(async () => {
  await kube.kill();
});

function setup(lastKnown?: WorkloadServiceOptions['lastKnown']) {
  const live = kube.kubeconfig('live');
  const dead = kube.kubeconfig('dead').replace(`127.0.0.1:${kube.port}`, `127.0.0.1:${deadPort}`);
  const kc = KubeconfigService.fromString(live, 'live');
  kc.setInline('dead', dead);
  const clusters = new ClusterService(kc, {
    staleAfterMs: 400,
    notifyIntervalMs: 10,
    idleCloseMs: 0,
    connection: { connectTimeoutMs: 2000 },
  });
  const workloads = new WorkloadService(clusters, { flushIntervalMs: 50, maxBatch: 1000, lastKnown });
  const mirror = new Map<
    string,
    Map<string, { name: string; deployment?: string; status?: string; rollout?: string; staleAsOf?: number; images?: string[] }>
  >();
  const batches: WorkloadDiff[][] = [];
  const apply = (diffs: WorkloadDiff[]) => {
    batches.push(diffs);
    for (const d of diffs) {
      const k = `${d.clusterId}/${d.kind}`;
      if (d.reset) mirror.set(k, new Map());
      const m = mirror.get(k);
      if (!m) throw new Error(`diff before reset for ${k}`);
      for (const u of d.upserts) m.set(u.uid, u as never);
      for (const uid of d.deletes) m.delete(uid);
    }
  };
  return { kc, clusters, workloads, mirror, batches, apply };
}

describe('ClusterService + WorkloadService', () => {
  it("sends each cluster's last known Deployments, marked stale, until its live lists replace them", async () => {
    const takenAt = Date.parse('2026-11-30T08:15:00Z');
    const snap = (clusterId: string) =>
      staleDeploymentsOf({
        clusterId,
        datacenter: 'dc',
        takenAt,
        deployments: [
          { namespace: 'shop', name: 'cart', app: 'cart', group: 'pro', replicas: 2, readyReplicas: 2, images: ['cart:0'], paused: false },
        ],
      });
    const { clusters, workloads, mirror, batches, apply } = setup((id) => snap(id));
    const stop = workloads.subscribe(undefined, apply);
    // The first delivery is the snapshot of both clusters, before either has synced: sent during
    // subscribe itself, ahead of the clusters' first lists.
    expect(batches).toHaveLength(1);
    expect(
      batches[0]!
        .filter((d) => d.kind === 'Deployment')
        .map((d) => [d.clusterId, d.reset, d.upserts.map((u) => (u as { staleAsOf?: number }).staleAsOf)]),
    ).toEqual([
      ['live', true, [takenAt]],
      ['dead', true, [takenAt]],
    ]);
    // The reachable cluster's live lists replace its snapshot in one reset; the dead one stays stale.
    await until(() => mirror.get('live/Pod')?.size === 2, 5000, 'live pods');
    await until(() => [...mirror.get('live/Deployment')!.values()].every((d) => d.staleAsOf === undefined), 5000, 'live deployments');
    expect([...mirror.get('live/Deployment')!.values()].map((d) => [d.name, d.images])).toEqual([['cart', ['cart:1']]]);
    await until(() => clusters.get('dead')?.state === 'error', 5000, 'dead cluster error');
    expect([...mirror.get('dead/Deployment')!.values()].map((d) => [d.name, d.staleAsOf])).toEqual([['cart', takenAt]]);
    expect(mirror.has('dead/Pod')).toBe(false);
    stop();
    workloads.dispose();
    clusters.dispose();
  });

  it('connects lazily and independently, sends resets then coalesced diffs, and resolves pods to deployments', async () => {
    const { clusters, workloads, mirror, batches, apply } = setup();
    expect(clusters.list().map((c) => [c.id, c.state])).toEqual([
      ['live', 'idle'],
      ['dead', 'idle'],
    ]);
    const stop = workloads.subscribe(undefined, apply);
    await until(() => clusters.get('live')?.state === 'live', 5000, 'live cluster live');
    await until(() => mirror.get('live/Pod')?.size === 2, 5000, 'pods');
    // The dead cluster never blocks the live one; it reports an error for itself only.
    await until(() => clusters.get('dead')?.state === 'error', 5000, 'dead cluster error');
    const dead = clusters.get('dead')!;
    expect(dead.error).toMatchObject({ code: 'cluster-unreachable', clusterId: 'dead' });
    expect(mirror.get('dead/Pod')?.size).toBe(0);

    // Pods may arrive before their ReplicaSet: they are re-sent once the owner is known.
    await until(
      () => [...mirror.get('live/Pod')!.values()].every((p) => p.deployment === 'cart'),
      5000,
      'pods resolved to their deployment',
    );
    const pods = [...mirror.get('live/Pod')!.values()];
    expect(pods.find((p) => p.name === 'cart-abc-2')!.status).toBe('CrashLoopBackOff');
    expect([...mirror.get('live/Deployment')!.values()][0]).toMatchObject({ name: 'cart', rollout: 'done' });
    await until(
      () => JSON.stringify(clusters.get('live')!.counts) === JSON.stringify({ nodes: 1, pods: 2, deployments: 1, problems: 1 }),
      3000,
      'counts',
    );
    const info = clusters.get('live')!;
    expect(info.version).toBe('v1.35.0-fake');
    // Resets come first, for every cluster and kind.
    expect(batches[0]!.every((d) => d.reset)).toBe(true);

    // 50 rapid changes to one pod are coalesced per uid.
    const before = batches.length;
    for (let i = 0; i < 50; i++)
      kube.upsert(
        PODS,
        ownedPod('cart-abc-1', 'cart-abc', { metadata: { namespace: 'shop', name: 'cart-abc-1', labels: { n: String(i) } } }),
      );
    kube.remove(PODS, 'shop', 'cart-abc-2');
    await until(() => mirror.get('live/Pod')!.size === 1, 5000, 'delete applied');
    await new Promise((r) => setTimeout(r, 150));
    const upsertsOfPod = batches
      .slice(before)
      .flat()
      .flatMap((d) => d.upserts as { uid: string }[])
      .filter((u) => u.uid === 'uid-shop-cart-abc-1').length;
    expect(upsertsOfPod).toBeGreaterThan(0);
    expect(upsertsOfPod).toBeLessThan(10);
    // Nothing is sent when nothing changes.
    const quiet = batches.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(batches.length).toBe(quiet);

    // YAML of the whole object, managedFields removed.
    const y = workloads.getYaml({ clusterId: 'live', kind: 'Deployment', namespace: 'shop', name: 'cart' });
    expect(y.ok && y.value.yaml).toContain('name: cart');
    expect(y.ok && y.value.yaml).not.toContain('managedFields');
    expect(workloads.getYaml({ clusterId: 'live', kind: 'Pod', namespace: 'shop', name: 'nope' }).ok).toBe(false);

    stop();
    const after = batches.length;
    kube.upsert(PODS, ownedPod('cart-abc-9', 'cart-abc'));
    await new Promise((r) => setTimeout(r, 150));
    expect(batches.length).toBe(after);
    workloads.dispose();
    clusters.dispose();
    kube.remove(PODS, 'shop', 'cart-abc-9');
    kube.upsert(PODS, ownedPod('cart-abc-2', 'cart-abc'));
  });

  it('goes live → reconnecting → stale when the API server dies, and back to live with the view resynced', async () => {
    const { clusters, workloads, mirror, apply } = setup();
    const states: string[] = [];
    clusters.onDidChangeClusters((l) => {
      const s = l.find((c) => c.id === 'live')!.state;
      if (states.at(-1) !== s) states.push(s);
    });
    const stop = workloads.subscribe(['live'], apply);
    await until(() => clusters.get('live')?.state === 'live', 5000, 'live');
    await until(() => mirror.get('live/Pod')?.size === kube.coll(PODS).size, 5000, 'initial sync');
    const sizeBefore = mirror.get('live/Pod')!.size;
    await kube.kill();
    await until(() => clusters.get('live')?.state === 'stale', 5000, 'stale');
    expect(clusters.get('live')!.error?.code).toBe('cluster-unreachable');
    kube.silentUpsert(PODS, ownedPod('cart-abc-3', 'cart-abc'));
    await kube.restart();
    clusters.reconnect('live');
    await until(() => clusters.get('live')?.state === 'live', 5000, 'live again');
    await until(() => mirror.get('live/Pod')!.size === sizeBefore + 1, 5000, 'resynced');
    expect(states).toEqual(expect.arrayContaining(['live', 'reconnecting', 'stale']));
    expect(states.indexOf('reconnecting')).toBeLessThan(states.indexOf('stale'));
    expect(mirror.has('dead/Pod')).toBe(false); // filtered subscription
    stop();
    workloads.dispose();
    clusters.dispose();
  });
});

describe('ClusterService details', () => {
  it('a forbidden nodes list does not change the cluster state (nodes are optional)', async () => {
    kube.hook = (_req, res, url) => {
      if (url.pathname !== NODES) return false;
      kube.status(res, 403, 'Forbidden', 'nodes is forbidden: User "jane" cannot list resource "nodes"');
      return true;
    };
    const { clusters, workloads } = setup();
    const stop = workloads.subscribe(['live'], () => {});
    await until(() => clusters.get('live')?.state === 'live', 5000, 'live without nodes');
    expect(clusters.get('live')!.counts.nodes).toBe(0);
    expect(clusters.workloads('live')!.statuses().nodes.error?.code).toBe('cluster-forbidden');
    stop();
    workloads.dispose();
    clusters.dispose();
    kube.hook = undefined;
  });

  it('closes a connection nobody uses after idleCloseMs, and reconnects on the next subscribe', async () => {
    const kc = KubeconfigService.fromString(kube.kubeconfig('live'), 'live');
    const clusters = new ClusterService(kc, { idleCloseMs: 100, notifyIntervalMs: 10 });
    const workloads = new WorkloadService(clusters, { flushIntervalMs: 20 });
    let stop = workloads.subscribe(undefined, () => {});
    await until(() => clusters.get('live')?.state === 'live', 5000, 'live');
    stop();
    await until(() => clusters.get('live')?.state === 'idle', 5000, 'idle after close');
    expect(clusters.workloads('live')).toBeUndefined();
    const got: WorkloadDiff[][] = [];
    stop = workloads.subscribe(undefined, (d) => got.push(d));
    await until(() => clusters.get('live')?.state === 'live', 5000, 'live again');
    await until(() => got.flat().some((d) => d.kind === 'Pod' && d.upserts.length > 0), 5000, 'pods again');
    stop();
    workloads.dispose();
    clusters.dispose();
  });

  it('a kubeconfig change for a connected cluster restarts it and resets its data in subscriptions', async () => {
    const kc = KubeconfigService.fromString(kube.kubeconfig('live'), 'live');
    const clusters = new ClusterService(kc, { idleCloseMs: 0, notifyIntervalMs: 10 });
    const workloads = new WorkloadService(clusters, { flushIntervalMs: 20 });
    const got: WorkloadDiff[] = [];
    const stop = workloads.subscribe(undefined, (d) => got.push(...d));
    await until(() => clusters.get('live')?.state === 'live', 5000, 'live');
    await until(() => got.some((d) => d.kind === 'Pod' && d.upserts.length > 0), 5000, 'pods');
    got.length = 0;
    // Same cluster, now with a wrong token: the cluster restarts, subscribers get a reset, state shows the 401.
    kc.setInline('live', kube.kubeconfig('live', 'wrong-token'));
    await until(() => got.some((d) => d.clusterId === 'live' && d.reset), 5000, 'reset');
    await until(() => clusters.get('live')?.state === 'error', 5000, 'error state');
    expect(clusters.get('live')!.error).toMatchObject({ code: 'cluster-unauthorized', clusterId: 'live' });
    stop();
    workloads.dispose();
    clusters.dispose();
  });
});

describe('WorkloadService batching', () => {
  it('splits a large reset over several flushes of at most maxBatch items, at a bounded rate', async () => {
    for (let i = 0; i < 30; i++) kube.upsert(PODS, ownedPod(`bulk-${i}`, 'cart-abc'));
    const kc = KubeconfigService.fromString(kube.kubeconfig('live'), 'live');
    const clusters = new ClusterService(kc, { idleCloseMs: 0 });
    // Connect and sync first, so that the subscription's reset carries the whole list.
    const release = clusters.acquire('live');
    await until(() => clusters.get('live')?.state === 'live', 5000, 'live');
    const workloads = new WorkloadService(clusters, { flushIntervalMs: 40, maxBatch: 10 });
    const got: { at: number; diffs: WorkloadDiff[] }[] = [];
    const stop = workloads.subscribe(['live'], (diffs) => got.push({ at: Date.now(), diffs }));
    const total = kube.coll(PODS).size + kube.coll(DEPS).size;
    await until(() => got.flatMap((g) => g.diffs).reduce((n, d) => n + d.upserts.length, 0) >= total, 5000, 'all items');
    for (const g of got) expect(g.diffs.reduce((n, d) => n + d.upserts.length + d.deletes.length, 0)).toBeLessThanOrEqual(10);
    const podDiffs = got.flatMap((g) => g.diffs).filter((d) => d.kind === 'Pod');
    expect(podDiffs[0]!.reset).toBe(true);
    expect(podDiffs.slice(1).every((d) => !d.reset)).toBe(true);
    for (let i = 1; i < got.length; i++) expect(got[i]!.at - got[i - 1]!.at).toBeGreaterThanOrEqual(35);
    stop();
    release();
    workloads.dispose();
    clusters.dispose();
    for (let i = 0; i < 30; i++) kube.remove(PODS, 'shop', `bulk-${i}`);
  });
});
