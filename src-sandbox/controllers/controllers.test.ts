/**
 * The controllers and kubelet simulation driven through the store, on a fast clock: rollouts
 * honour maxSurge/maxUnavailable, paused, progress deadlines, revisions; bad versions crash-loop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../clock';
import { defaultDeployment } from '../kube/defaults';
import { isPodReady } from '../kube/pods';
import { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import type { Behaviour } from '../scenario';
import { ControllerManager } from './controller-manager';

const NS = 'shop';
let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

function cluster(speed = 200, behaviours: Record<string, Behaviour> = {}) {
  const store = new ObjectStore(100_000);
  const clock = new SimClock(speed);
  let ip = 0;
  const cm = new ControllerManager(
    store,
    clock,
    {
      behaviourOf: (image) => behaviours[image] ?? 'good',
      readySecondsOf: () => 5,
      nodeNames: () => ['n1', 'n2'],
      nodeIp: () => '192.168.0.2',
      nextPodIp: () => `10.0.0.${++ip}`,
    },
    { name: 'test' },
  );
  cleanup.push(() => {
    cm.stop();
    clock.stopAll();
  });
  const deploy = (name: string, spec: Record<string, unknown>) => {
    const d: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: NS },
      spec: {
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1` }] } },
        ...spec,
      },
    };
    defaultDeployment(d);
    return store.create('deployments', d, clock.nowIso()).obj;
  };
  const update = (name: string, fn: (d: KubeObject) => void) => {
    const d = store.clone('deployments', NS, name)!;
    fn(d);
    d.metadata.generation = (d.metadata.generation ?? 1) + 1;
    store.update('deployments', d);
  };
  const get = (name: string) => store.get('deployments', NS, name)!.obj;
  const pods = (prefix: string) => [...store.values('pods')].map((s) => s.obj).filter((p) => p.metadata.name.startsWith(prefix));
  const rss = (prefix: string) => [...store.values('replicasets')].map((s) => s.obj).filter((r) => r.metadata.name.startsWith(prefix));
  return { store, deploy, update, get, pods, rss };
}

async function until<T>(what: string, fn: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const complete = (d: KubeObject) =>
  d.status?.observedGeneration === d.metadata.generation &&
  d.status?.updatedReplicas === d.spec.replicas &&
  d.status?.replicas === d.spec.replicas &&
  d.status?.availableReplicas === d.spec.replicas;

describe('deployment + replicaset controllers and kubelet', () => {
  it('creates a ReplicaSet and ready pods with full status', async () => {
    const c = cluster();
    c.deploy('orders', { replicas: 3 });
    await until('rollout', () => complete(c.get('orders')));
    const d = c.get('orders');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status.conditions.map((x: { type: string; reason: string }) => `${x.type}/${x.reason}`)).toEqual([
      'Available/MinimumReplicasAvailable',
      'Progressing/NewReplicaSetAvailable',
    ]);
    const [rs] = c.rss('orders-');
    expect(rs!.metadata.labels!['pod-template-hash']).toBe(rs!.metadata.name.slice('orders-'.length));
    const pod = c.pods('orders-')[0]!;
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.conditions.map((x: { type: string }) => x.type)).toEqual([
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ]);
    expect(pod.status.containerStatuses[0]).toMatchObject({
      ready: true,
      started: true,
      restartCount: 0,
      imageID: expect.stringMatching(/^docker\.io\/library\/orders@sha256:/),
      containerID: expect.stringMatching(/^containerd:\/\//),
    });
    const reasons = [...c.store.values('events')].map((e) => e.obj.reason as string);
    expect(reasons).toEqual(
      expect.arrayContaining(['ScalingReplicaSet', 'SuccessfulCreate', 'Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']),
    );
  });

  it('rolls within maxSurge / maxUnavailable and keeps revision history', async () => {
    const c = cluster();
    c.deploy('cart', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    await until('first rollout', () => complete(c.get('cart')));
    let maxPods = 0;
    let minAvailable = Infinity;
    const unsubscribe = c.store.subscribe(() => {
      const active = c.pods('cart-').filter((p) => !p.metadata.deletionTimestamp);
      maxPods = Math.max(maxPods, active.length);
      minAvailable = Math.min(minAvailable, active.filter(isPodReady).length);
    });
    c.update('cart', (d) => {
      d.spec.template.spec.containers[0].image = 'cart:2';
    });
    await until('second rollout', () => complete(c.get('cart')) && c.get('cart').status.observedGeneration === 2);
    unsubscribe();
    expect(maxPods).toBeLessThanOrEqual(5);
    expect(minAvailable).toBeGreaterThanOrEqual(4);
    const revisions = c
      .rss('cart-')
      .map((r) => [
        r.spec.template.spec.containers[0].image,
        r.metadata.annotations!['deployment.kubernetes.io/revision'],
        r.spec.replicas,
      ]);
    expect(revisions.sort()).toEqual([
      ['cart:1', '1', 0],
      ['cart:2', '2', 4],
    ]);
    expect(c.get('cart').metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('does not roll out while paused, and resumes', async () => {
    const c = cluster();
    c.deploy('search', { replicas: 2 });
    await until('rollout', () => complete(c.get('search')));
    c.update('search', (d) => {
      d.spec.paused = true;
      d.spec.template.spec.containers[0].image = 'search:2';
    });
    await until('paused condition', () =>
      c.get('search').status.conditions.find((x: { reason: string }) => x.reason === 'DeploymentPaused'),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(c.rss('search-')).toHaveLength(1);
    c.update('search', (d) => {
      d.spec.paused = false;
    });
    await until('resumed rollout', () => c.rss('search-').length === 2 && complete(c.get('search')));
  });

  it('crash-loops a bad version with growing back-off, and times the rollout out', async () => {
    const c = cluster(400, { 'gateway:2': 'crashloop' });
    c.deploy('gateway', { replicas: 2, progressDeadlineSeconds: 30 });
    await until('rollout', () => complete(c.get('gateway')));
    c.update('gateway', (d) => {
      d.spec.template.spec.containers[0].image = 'gateway:2';
    });
    const crashed = await until('CrashLoopBackOff with 2 restarts', () =>
      c.pods('gateway-').find((p) => p.status.containerStatuses?.[0]?.restartCount >= 2),
    );
    const cs = crashed.status.containerStatuses[0];
    expect(cs.state.waiting).toMatchObject({
      reason: 'CrashLoopBackOff',
      message: expect.stringMatching(/^back-off 20s restarting failed container=gateway pod=/),
    });
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    await until('ProgressDeadlineExceeded', () =>
      c.get('gateway').status.conditions.find((x: { reason: string }) => x.reason === 'ProgressDeadlineExceeded'),
    );
    // The old pods stay: maxUnavailable 25% of 2 rounds down to 0.
    expect(c.get('gateway').status.availableReplicas).toBe(2);
  });

  it('scales and garbage-collects dependents of a deleted Deployment', async () => {
    const c = cluster();
    c.deploy('payments', { replicas: 1 });
    await until('rollout', () => complete(c.get('payments')));
    c.update('payments', (d) => {
      d.spec.replicas = 3;
    });
    await until('scaled', () => complete(c.get('payments')) && c.pods('payments-').length === 3);
    c.update('payments', (d) => {
      d.spec.replicas = 2;
    });
    await until('scaled down', () => complete(c.get('payments')) && c.pods('payments-').length === 2);
    const reasons = [...c.store.values('events')].map((e) => e.obj.reason);
    expect(reasons).toEqual(expect.arrayContaining(['SuccessfulDelete', 'Killing']));
    c.store.delete('deployments', NS, 'payments');
    await until('pods gone', () => c.pods('payments-').length === 0 && c.rss('payments-').length === 0);
  });
});

describe('minReadySeconds', () => {
  it('counts a ready pod as available only after minReadySeconds', async () => {
    const c = cluster(100);
    c.deploy('slow', { replicas: 1, minReadySeconds: 30 });
    const readyAt = await until('ready', () => (c.get('slow').status?.readyReplicas === 1 ? Date.now() : undefined));
    expect(c.get('slow').status.availableReplicas ?? 0).toBe(0);
    await until('available', () => c.get('slow').status?.availableReplicas === 1);
    // 30 simulated seconds at speed 100 = 300 ms real.
    expect(Date.now() - readyAt).toBeGreaterThanOrEqual(200);
  });
});

/**
 * `orders` (4 replicas, maxSurge 1, maxUnavailable 0) rolled out, then its image changed to
 * orders:2 (and whatever `change` adds) and held at 4 old + 1 new: by a crash-looping orders:2 or
 * an inflated minReadySeconds.
 */
async function heldRollout(c: ReturnType<typeof cluster>, change: (d: KubeObject) => void = () => undefined) {
  c.deploy('orders', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  await until('rollout', () => complete(c.get('orders')));
  c.update('orders', (d) => {
    d.spec.template.spec.containers[0].image = 'orders:2';
    change(d);
  });
  await until(
    'held with 4 old + 1 new',
    () =>
      c
        .rss('orders-')
        .map((r) => r.spec.replicas)
        .sort()
        .join() === '1,4',
  );
}

/** The ReplicaSets' sizes by image when orders:1 has 7 and orders:2 has 2 (proportional scaling to 8 + surge 1). */
const proportional = (c: ReturnType<typeof cluster>) => {
  const bySize = Object.fromEntries(c.rss('orders-').map((r) => [r.spec.template.spec.containers[0].image, r.spec.replicas]));
  return bySize['orders:1'] === 7 && bySize['orders:2'] === 2 ? bySize : undefined;
};

describe('proportional scaling mid-rollout', () => {
  it('grows old and new ReplicaSets in proportion when a stuck rollout is resized', async () => {
    const c = cluster(400, { 'orders:2': 'crashloop' });
    await heldRollout(c);
    c.update('orders', (d) => {
      d.spec.replicas = 8;
    });
    const sizes = await until('proportional sizes', () => proportional(c));
    expect(sizes).toEqual({ 'orders:1': 7, 'orders:2': 2 });
  });
});

describe('what a paused or held Deployment still does', () => {
  it('scales a paused Deployment mid-rollout in proportion (sync.go scale), without a new ReplicaSet', async () => {
    const c = cluster(400);
    await heldRollout(c, (d) => {
      d.spec.minReadySeconds = 3600;
    });
    c.update('orders', (d) => {
      d.spec.paused = true;
    });
    await until('paused', () => c.get('orders').status.conditions.find((x: { reason: string }) => x.reason === 'DeploymentPaused'));
    c.update('orders', (d) => {
      d.spec.replicas = 8;
      d.spec.template.spec.containers[0].image = 'orders:3';
    });
    await until('proportional sizes while paused', () => proportional(c));
    expect(c.rss('orders-')).toHaveLength(2);
  });

  it('holds a rollout at maxSurge + maxUnavailable new pods for good when minReadySeconds is inflated', async () => {
    const c = cluster(400);
    c.deploy('hold', { replicas: 6, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } });
    await until('rollout', () => complete(c.get('hold')));
    c.update('hold', (d) => {
      d.spec.template.spec.containers[0].image = 'hold:2';
      d.spec.minReadySeconds = 2147483646;
      d.spec.progressDeadlineSeconds = 2147483647;
      d.spec.strategy.rollingUpdate = { maxSurge: 2, maxUnavailable: 0 };
    });
    const newRs = () => c.rss('hold-').find((r) => r.spec.template.spec.containers[0].image === 'hold:2');
    await until('2 new pods ready', () => newRs()?.status?.readyReplicas === 2);
    // Hundreds of simulated seconds later: still 2 new, 6 old, no deadline exceeded.
    await new Promise((r) => setTimeout(r, 600));
    expect(newRs()!.spec.replicas).toBe(2);
    expect(newRs()!.spec.minReadySeconds).toBe(2147483646);
    expect(c.rss('hold-').find((r) => r !== newRs())!.spec.replicas).toBe(6);
    expect(c.get('hold').status.conditions.find((x: { type: string }) => x.type === 'Progressing').reason).toBe('ReplicaSetUpdated');
    // Restoring minReadySeconds reaches the new ReplicaSet, and the rollout goes on.
    c.update('hold', (d) => {
      d.spec.minReadySeconds = 0;
      d.spec.progressDeadlineSeconds = 600;
    });
    await until('rollout completes', () => complete(c.get('hold')) && newRs()?.spec.replicas === 6);
  });
});

describe('kubelet behaviours', () => {
  it('OOM-kills an oom version after it became ready, and keeps an unschedulable one Pending', async () => {
    const c = cluster(2000, { 'leaky:1': 'oom', 'huge:1': 'unschedulable' });
    c.deploy('leaky', { replicas: 1 });
    c.deploy('huge', { replicas: 1 });
    const oom = await until('OOMKilled', () =>
      c.pods('leaky-').find((p) => p.status.containerStatuses?.[0]?.lastState?.terminated?.reason === 'OOMKilled'),
    );
    expect(oom.status.containerStatuses[0].lastState.terminated.exitCode).toBe(137);
    const pending = await until('Unschedulable', () =>
      c.pods('huge-').find((p) => p.status.conditions?.some((x: { reason?: string }) => x.reason === 'Unschedulable')),
    );
    expect(pending.status.phase).toBe('Pending');
    expect(pending.spec.nodeName).toBeUndefined();
    expect([...c.store.values('events')].some((e) => e.obj.reason === 'FailedScheduling')).toBe(true);
  });
});
