/**
 * Integration: MetricsService over the real ClusterService against the sandbox datacenter:
 * sources detected per cluster (and said plainly when absent, forbidden or timing out), a leaking
 * container's curve and its OOM kill on the timeline, node clock skew, persistence across restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsTop } from '../../src-shared/metrics/contract';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { metricsControl } from '../../src-sandbox/metrics/metrics-server';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { until } from '../testing/fake-kube';
import { clusterServiceSource } from './cluster-source';
import { MetricsService } from './metrics-service';

let dc: Datacenter;
let clusters: ClusterService;
let dir: string;
beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 40, bookmarkIntervalMs: 200 });
  clusters = new ClusterService(KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox'), { notifyIntervalMs: 50, idleCloseMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'capstan-metrics-'));
});
afterAll(async () => {
  clusters?.dispose();
  await dc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sourceOf = (top: MetricsTop, cluster: string, kind: string) =>
  top.clusters.find((c) => c.clusterId === cluster)?.sources.find((s) => s.kind === kind);

describe('MetricsService against the sandbox', () => {
  it('samples every cluster, reports sources plainly, puts OOM kills on the timeline and survives a restart', async () => {
    metricsControl(dc.cluster('uat').store).metricsServer = 'absent';
    metricsControl(dc.cluster('pro-west').store).nodeProxy = 'forbidden';
    const east = metricsControl(dc.cluster('pro-east').store);
    east.kubeletDelayMs = 3000;
    east.slowNodes = ['pro-east-worker-01'];
    east.nodeSkewMs['pro-east-worker-02'] = 3_600_000; // an hour ahead
    const file = join(dir, 'metrics-history.bin');
    // One sample a second; the sandbox serves from this process, so its CPU counts in our rounds:
    // a high CPU share keeps the pacing from stretching the interval the test relies on.
    const m = new MetricsService(clusterServiceSource(clusters), {
      file,
      settings: { get: () => ({ intervalMs: 1000, maxCpuPercent: 50 }), set: () => {} },
      kubeletTimeoutMs: 1000,
    });
    let top: MetricsTop | undefined;
    const stop = m.subscribe(50, (t) => (top = t));
    await until(() => dc.clusters.every((c) => clusters.workloads(c.name)?.pods.status().synced), 20_000, 'clusters synced');
    // Release the leaking orders 1.6.0 to FAT.
    const fat = dc.cluster('fat').store;
    const d = fat.clone('deployments', 'shop', 'orders-fat')!;
    d.spec.template.spec.containers[0].image = 'harbor-east.sandbox.local/shop/orders:1.6.0';
    fat.update('deployments', d);
    m.start();
    await until(
      () => !!top && top.lists.restarts.some((r) => r.clusterId === 'fat' && r.app === 'orders' && r.oomKills > 0) === true,
      40_000,
      'an OOM kill in the restarts list',
    );
    const t = top!;
    expect(sourceOf(t, 'uat', 'metrics-api')).toMatchObject({
      state: 'absent',
      message: expect.stringMatching(/metrics-server is not installed \(404/),
    });
    expect(sourceOf(t, 'uat', 'kubelet-summary')!.state).toBe('ok');
    expect(sourceOf(t, 'pro-west', 'kubelet-summary')).toMatchObject({
      state: 'forbidden',
      message: expect.stringMatching(/403 on nodes\/proxy/),
    });
    expect(sourceOf(t, 'pro-west', 'metrics-api')!.state).toBe('ok');
    expect(sourceOf(t, 'pro-east', 'kubelet-summary')).toMatchObject({ state: 'timeout', message: expect.stringMatching(/nodes failed/) });
    expect(t.clusters.find((c) => c.clusterId === 'pro-west')!.containers).toBeGreaterThan(10);
    // The slow node's containers are missing from the summary but come from metrics-server instead;
    // the skewed node's samples sit on our clock, not an hour ahead.
    const eastRows = [...t.lists.memory, ...t.lists.cpu].filter((r) => r.clusterId === 'pro-east');
    expect(eastRows.length).toBeGreaterThan(10);
    for (const r of eastRows) {
      const s = m.series(r);
      if (s.ok) expect(s.value.t.at(-1)!).toBeLessThanOrEqual(Date.now());
    }

    const oom = t.lists.restarts.find((r) => r.clusterId === 'fat' && r.app === 'orders')!;
    const s = m.series(oom);
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    expect(s.value.memoryLimit).toBe(2 ** 30);
    expect(s.value.events.some((e) => e.kind === 'oom' && e.exitCode === 137)).toBe(true);
    expect(Math.max(...s.value.workingSet.filter((v): v is number => v !== null))).toBeGreaterThan(0.7 * 2 ** 30);
    expect(s.value.rss.some((v) => v !== null)).toBe(true); // from the kubelet summary

    // pro-west samples come from metrics.k8s.io: working set but no RSS.
    const west = [...t.lists.memory, ...t.lists.cpu].find((r) => r.clusterId === 'pro-west')!;
    const ws = m.series(west);
    expect(ws.ok && ws.value.source).toBe('metrics-api');
    expect(ws.ok && ws.value.rss.every((v) => v === null)).toBe(true);

    // Forensics: the curve before the kill, pod events, previous container's log lines.
    const f = await m.forensics(oom);
    expect(f.kills.length).toBeGreaterThan(0);
    expect(f.kills[0]!.t.length).toBeGreaterThan(0);
    expect(f.events.some((e) => e.reason === 'BackOff')).toBe(true);
    expect(f.previousLog.length).toBeGreaterThan(0);

    const csv = m.exportCsv({ clusterId: 'fat', namespace: oom.namespace, pod: oom.pod, container: oom.container });
    expect(csv.csv.split('\n')[0]).toBe('time,cluster,namespace,pod,container,cpu_cores,working_set_bytes,rss_bytes,event');
    expect(csv.csv).toMatch(/OOMKilled exit=137/);

    stop();
    const before = m.seriesCount;
    m.dispose();
    const again = new MetricsService(
      { ids: () => [], transport: () => undefined, nodeNames: () => [], onPods: () => () => {}, acquire: () => () => {} },
      { file, settings: { get: () => ({ intervalMs: 1000 }), set: () => {} } },
    );
    again.start();
    expect(again.seriesCount).toBe(before);
    const restored = again.series(oom);
    expect(restored.ok && restored.value.events.some((e) => e.kind === 'oom')).toBe(true);
    again.dispose();
  }, 60_000);
});
