/**
 * The history survives a restart sample for sample while it is within its budget: containers
 * that are not interesting (not in a top list, never restarted, far from their limit) were saved
 * as 2-minute buckets even with the history far under budget, so after a restart the charts
 * showed other numbers than before. Against the sandbox, 17 minutes of 10 s rounds on our clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { until } from '../testing/fake-kube';
import { clusterServiceSource } from './cluster-source';
import { MetricsService } from './metrics-service';

let dc: Datacenter;
let clusters: ClusterService;
let dir: string;
beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 1, bookmarkIntervalMs: 200 });
  clusters = new ClusterService(KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox'), { notifyIntervalMs: 50, idleCloseMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'capstan-metrics-res-'));
});
afterAll(async () => {
  clusters?.dispose();
  await dc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('metrics history across a restart', () => {
  it('is saved at the resolution it holds while within budget: the same samples after a restart', async () => {
    const file = join(dir, 'metrics-history.bin');
    let now = Date.now();
    const settings = { get: () => ({ intervalMs: 10_000, maxCpuPercent: 50 }), set: () => {} };
    const m = new MetricsService(clusterServiceSource(clusters), { file, settings, now: () => now, persistEveryMs: Infinity });
    const stop = m.subscribe(20, () => {});
    await until(() => dc.clusters.every((c) => clusters.workloads(c.name)?.pods.status().synced), 20_000, 'clusters synced');
    // Past the 10 minutes a new container counts as interesting: most turn quiet.
    for (let i = 0; i < 100; i++) {
      await m.round();
      now += 10_000;
    }
    const status = m.historyStatusNow;
    expect(status.coarseMs).toBe(0);
    expect(status.bytes).toBeLessThan(status.budgetBytes / 10);
    const before = m.exportCsv({}).csv;
    expect(before.split('\n').length).toBeGreaterThan(100 * 50);
    stop();
    m.dispose(); // saves

    const again = new MetricsService(
      { ids: () => [], transport: () => undefined, nodeNames: () => [], onPods: () => () => {}, acquire: () => () => {} },
      { file, settings, now: () => now },
    );
    again.start();
    try {
      const after = again.exportCsv({}).csv;
      const diff = before.split('\n').filter((l, i) => after.split('\n')[i] !== l).length;
      expect(diff, 'rows that differ after the restart').toBe(0);
      expect(after).toBe(before);
    } finally {
      again.dispose();
    }
  }, 120_000);
});
