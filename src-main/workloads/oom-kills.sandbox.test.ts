/**
 * OOM kills counted by one rule (src-shared/workloads/oom.ts) everywhere, against the sandbox: a
 * pod whose app container was OOM-killed and whose sidecar was SIGKILLed later (reason Error,
 * exit 137), as the kubelet reports them. Problems and the release health gate see the app's kill
 * (the pod's newest termination alone, the sidecar's, hid it); the metrics top list and OOM
 * forensics count one kill for the app and none for the sidecar (137 alone is not an OOM kill).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsTop } from '../../src-shared/metrics/contract';
import { evaluateHealth } from '../../src-shared/releases/health-gates';
import { podProblems } from '../../src-shared/workloads/problems';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { until } from '../testing/fake-kube';
import { clusterServiceSource } from '../metrics/cluster-source';
import { MetricsService } from '../metrics/metrics-service';

const IMAGE = 'harbor-east.sandbox.local/shop/orders:1.5.0';
const POD = 'orders-with-sidecar-0';

let dc: Datacenter;
let clusters: ClusterService;
beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 1, bookmarkIntervalMs: 200 });
  dc.freeze(); // the kubelet simulation leaves the pod as the test wrote it
  clusters = new ClusterService(KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox'), { notifyIntervalMs: 50, idleCloseMs: 0 });
});
afterAll(async () => {
  clusters?.dispose();
  await dc?.close();
});

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The app container OOM-killed a minute ago, its sidecar SIGKILLed (Error, 137) 30 s later. */
function createPod(): void {
  const now = Date.now();
  /** Running again (since 5 s after it ended) after one kill with exit 137 and `reason`. */
  const restartedOnce = (name: string, image: string, reason: string, killedAt: number) => ({
    name,
    image,
    imageID: '',
    ready: true,
    started: true,
    restartCount: 1,
    state: { running: { startedAt: iso(killedAt + 5_000) } },
    lastState: { terminated: { reason, exitCode: 137, startedAt: iso(now - 600_000), finishedAt: iso(killedAt) } },
  });
  dc.cluster('fat').store.create(
    'pods',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: POD, namespace: 'shop', labels: { 'app.kubernetes.io/name': 'orders', 'capstan.io/group': 'fat' } },
      spec: {
        nodeName: 'fat-worker-01',
        containers: [
          { name: 'app', image: IMAGE, resources: { requests: { memory: '512Mi' }, limits: { memory: '1Gi' } } },
          { name: 'proxy', image: 'envoyproxy/envoy:v1.31', resources: { limits: { memory: '128Mi' } } },
        ],
      },
      status: {
        phase: 'Running',
        startTime: iso(now - 600_000),
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(now - 20_000) }],
        containerStatuses: [
          restartedOnce('app', IMAGE, 'OOMKilled', now - 60_000),
          restartedOnce('proxy', 'envoyproxy/envoy:v1.31', 'Error', now - 30_000),
        ],
      },
    },
    iso(now - 600_000),
  );
}

describe('OOM kills in a multi-container pod', () => {
  it('are found per container by one rule: Problems, health gates, top lists, forensics', async () => {
    const release = clusters.acquire('fat');
    const metrics = new MetricsService(clusterServiceSource(clusters));
    try {
      await until(() => clusters.workloads('fat')?.pods.status().synced === true, 20_000, 'fat synced');
      createPod();
      await until(
        () =>
          clusters
            .workloads('fat')!
            .podList()
            .some((p) => p.name === POD),
        10_000,
        'the pod in the workloads',
      );
      const pod = clusters
        .workloads('fat')!
        .podList()
        .find((p) => p.name === POD)!;
      expect(pod.lastTerminationReason).toBe('Error'); // the newest termination is the sidecar's
      const now = Date.now();
      expect(podProblems(pod, now).map((p) => p.kind)).toContain('OOMKilled');
      const health = evaluateHealth({
        gates: { noNewRestarts: false, noOOMKilled: true, noCrashLoop: true, readyWithinSec: 600 },
        baselineRestarts: {},
        pods: [pod],
        toImage: IMAGE,
        expectedNew: 1,
        startedAt: now - 1000,
        now,
      });
      expect(health).toMatchObject({ verdict: 'fail', gate: 'no-oomkilled' });

      const ref = (container: string) => ({ clusterId: 'fat', namespace: 'shop', pod: POD, container });
      await until(
        () =>
          ['app', 'proxy'].every((c) => {
            const s = metrics.series(ref(c));
            return s.ok && s.value.events.length > 0;
          }),
        10_000,
        'both restarts on the metrics timeline',
      );
      let top: MetricsTop | undefined;
      const stop = metrics.subscribe(50, (t) => (top = t));
      const row = (c: string) => top!.lists.restarts.find((r) => r.pod === POD && r.container === c);
      expect(row('app')).toMatchObject({ oomKills: 1, lastReason: 'OOMKilled' });
      expect(row('proxy')).toMatchObject({ oomKills: 0, lastReason: 'Error' });
      stop();
      const app = await metrics.forensics(ref('app'));
      expect(app.kills.map((k) => k.event.reason)).toEqual(['OOMKilled']);
      const proxy = await metrics.forensics(ref('proxy'));
      expect(proxy.kills).toEqual([]);
      expect(proxy.lastTerminated).toMatchObject({ reason: 'Error', exitCode: 137 });
    } finally {
      metrics.dispose();
      release();
    }
  }, 60_000);
});
