/**
 * Rows of an instance that ended are marked at once, from the pod watch, not at the next round:
 * an OOM-killed container's last values were shown as current for up to 2.5 intervals. A deleted
 * pod's series keeps its restart count and limits (it said 0 restarts and no limit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsTop, TopRow } from '../../src-shared/metrics/contract';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { until } from '../testing/fake-kube';
import { clusterServiceSource } from './cluster-source';
import { MetricsService } from './metrics-service';

let dc: Datacenter;
let clusters: ClusterService;
beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 1, bookmarkIntervalMs: 200 });
  dc.freeze(); // the test kills and deletes; the kubelet simulation does nothing of its own
  clusters = new ClusterService(KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox'), { notifyIntervalMs: 50, idleCloseMs: 0 });
});
afterAll(async () => {
  clusters?.dispose();
  await dc?.close();
});

/** What the kubelet writes when it OOM-kills a container (then backs off restarting it). */
function oomKill(cluster: string, namespace: string, name: string, container: string): void {
  const store = dc.cluster(cluster).store;
  const pod = store.clone('pods', namespace, name)!;
  const c = pod.status.containerStatuses.find((s: { name: string }) => s.name === container);
  c.lastState = {
    terminated: {
      reason: 'OOMKilled',
      exitCode: 137,
      startedAt: c.state.running.startedAt,
      finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    },
  };
  c.state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' } };
  c.restartCount++;
  c.ready = false;
  store.update('pods', pod);
}

describe('top list rows of ended instances', () => {
  it('are marked as soon as the pod watch says so; a deleted pod keeps its restarts and limits', async () => {
    // Rounds only when the test runs one: whatever changes in between comes from the pod watch.
    const m = new MetricsService(clusterServiceSource(clusters), {
      settings: { get: () => ({ intervalMs: 600_000, maxCpuPercent: 50 }), set: () => {} },
    });
    let top: MetricsTop | undefined;
    const stop = m.subscribe(20, (t) => (top = t));
    try {
      await until(() => dc.clusters.every((c) => clusters.workloads(c.name)?.pods.status().synced), 20_000, 'clusters synced');
      await m.round();
      await m.round();
      const find = (r: TopRow) => (list: TopRow[]) =>
        list.find((x) => x.clusterId === r.clusterId && x.pod === r.pod && x.container === r.container);
      const killed = top!.lists.memory.find((r) => r.memoryLimit !== undefined && r.workingSet !== undefined)!;
      expect(killed.ended).toBeUndefined();

      oomKill(killed.clusterId, killed.namespace, killed.pod, killed.container);
      await until(() => find(killed)(top!.lists.memory)?.ended !== undefined, 5000, 'the killed row marked');
      expect(find(killed)(top!.lists.memory)!.ended).toMatchObject({ reason: 'OOMKilled' });

      // The pod is deleted: its rows say so, and its series keeps restarts and the memory limit.
      dc.cluster(killed.clusterId).store.delete('pods', killed.namespace, killed.pod);
      await until(() => find(killed)(top!.lists.memory)?.ended?.reason === 'pod deleted', 5000, 'the deleted pod marked');
      const s = m.series(killed);
      expect(s.ok && { restarts: s.value.restarts, memoryLimit: s.value.memoryLimit }).toEqual({
        restarts: 1,
        memoryLimit: killed.memoryLimit,
      });
      const f = await m.forensics(killed);
      expect(f.memoryLimit).toBe(killed.memoryLimit);
      expect(f.kills.map((k) => k.event.reason)).toEqual(['OOMKilled']);
      await m.round();
      expect(find(killed)(top!.lists.restarts)).toMatchObject({ restarts: 1, oomKills: 1, ended: { reason: 'pod deleted' } });
    } finally {
      stop();
      m.dispose();
    }
  }, 60_000);
});
